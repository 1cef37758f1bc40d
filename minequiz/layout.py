"""What the cached page parts vary on (see `{% cache %}` in the templates): the person a
header is for, and the state of the published content."""

from collections.abc import Callable

from flask import Flask, g, render_template, request, session
from flask_login import current_user

from .extensions import cache


def layout_user() -> str:
    """Everything of the current user that the page header shows."""
    if not current_user.is_authenticated:
        return "-"
    return f"{current_user.id}|{current_user.role}|{current_user.has_credentials}|{current_user.display_name}"


def render_page(key: tuple, template: str, build: Callable[[], dict]) -> str:
    """A page rendered once for `key` (everything the page shows, beside its address, its
    language and its reader), then served from the cache. `build` makes the template's
    context, so the work behind a page is done only when it is rendered. A page with a
    flashed message is always rendered, and not kept."""
    if "_flashes" in session:
        return render_template(template, **build())
    name = "page|" + "|".join(map(str, (template, g.lang, request.full_path, layout_user(), *key)))
    html = cache.get(name)
    if html is None:
        html = render_template(template, **build())
        cache.set(name, html)
    return html


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(layout_user=layout_user)
