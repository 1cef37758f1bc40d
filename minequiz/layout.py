"""Pages and page parts rendered once per state of what they show, then served from the
cache (Flask-Caching): the key of an entry holds that state, so a stale entry is never
read and each server may keep its own. Keys are hashes of everything they depend on, so
no text a user typed (a name, an address) can make two keys alike."""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from flask import Flask, g, render_template, request, session
from flask_login import current_user

from .extensions import cache
from .i18n import select_locale


def _key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, ensure_ascii=False).encode()).hexdigest()


def cacheable() -> bool:
    """Only plain addresses are cached (no query: anyone could make endless variants of
    one page), and never a page that shows a flashed message."""
    return request.method == "GET" and not request.args and "_flashes" not in session


def header_key() -> str:
    """Everything the page header shows: address, language, and who is reading."""
    user = current_user
    # created_at tells a new account from a deleted one whose id SQLite gave out again.
    reader = (
        [user.id, user.created_at, user.role, user.has_credentials, user.display_name]
        if user.is_authenticated
        else None
    )
    return _key("header", select_locale(), request.path, reader)


def render_page(key: tuple, template: str, build: Callable[[], dict], holes: dict[str, str] | None = None) -> str:
    """A page rendered once for `key` (everything the page shows besides its address, its
    language and its header), then served from the cache. `build` makes the template's
    context, so the work behind a page is done only when it is rendered.

    `holes` are values the page shows that are new on every request (a form's tokens):
    the page is kept with those of the request that rendered it, and every later request
    gets its own in their place. Each must be a random text found nowhere else on the page."""
    holes = holes or {}
    if not cacheable():
        return render_template(template, **build())
    name = _key("page", template, g.lang, request.path, header_key(), *key)
    kept = cache.get(name)
    if kept is None:
        html = render_template(template, **build())
        cache.set(name, (html, holes))
        return html
    html, kept_holes = kept
    for hole, value in kept_holes.items():
        html = html.replace(value, holes[hole])
    return html


def cache_prefix(app: Flask) -> str:
    """A prefix naming this database, release and the settings pages show, so a shared
    cache store never serves a page of another instance, an older release or a restored
    database's previous life (a restore also empties the cache)."""
    # The code too: what an entry holds, and how a page is made, may change with it.
    files = [Path(app.root_path), Path(app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])]
    release = sorted(
        (str(path), path.stat().st_size, path.stat().st_mtime_ns)
        for folder in files
        for path in folder.rglob("*")
        if path.suffix in (".py", ".html", ".mo")
    )
    settings = [app.config[name] for name in ("SQLALCHEMY_DATABASE_URI", "MASTERY_PERCENT", "BABEL_DEFAULT_TIMEZONE")]
    return "mq-" + _key(release, settings, sorted(app.config["LANGUAGES"]))[:16] + "-"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(header_key=header_key, cacheable=cacheable)
