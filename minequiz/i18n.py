"""The language of a page: first segment of its URL, a language switch, and the choice
for `/` (remembered language, else the browser's best match, else Norwegian)."""

from flask import Flask, current_app, g, redirect, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from werkzeug.exceptions import NotFound
from werkzeug.routing import BuildError

# Browsers send Norwegian as nb, no or nn (often with -NO); all mean our Bokmål pages.
LANGUAGE_ALIASES = {"no": "nb", "nn": "nb", "nb": "nb", "en": "en"}
LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "en": "English"}
# The language last used, kept in its own year-long cookie (nothing secret in it).
LANGUAGE_COOKIE = "minequiz_lang"


def supported() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def browser_language() -> str | None:
    for value, quality in request.accept_languages:
        if quality <= 0:
            continue
        primary = value.lower().replace("_", "-").split("-")[0]
        language = LANGUAGE_ALIASES.get(primary)
        if language in supported():
            return language
    return None


def preferred_language() -> str:
    """The language for a request whose URL names none (or a wrong one)."""
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in supported():
        return remembered
    return browser_language() or current_app.config["BABEL_DEFAULT_LOCALE"]


def language_in_path() -> str | None:
    """The language of a URL that matched no page, such as /en/nothing/here."""
    first = request.path.strip("/").split("/", 1)[0]
    return first if first in supported() else None


def select_locale() -> str:
    return g.get("lang") or language_in_path() or preferred_language()


def switch_language_url(language: str) -> str:
    """The same page in another language, or the lesson list if that page cannot be opened
    with a plain link (a form's target, say)."""
    endpoint = request.endpoint
    if endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang") and opens_with_get(endpoint):
        values = dict(request.view_args or {})
        if request.method == "GET":
            # Query arguments ride along, unless they would clash with url_for or the address.
            values.update(
                (key, value)
                for key, value in request.args.items()
                if key.isidentifier() and not key.startswith("_") and key not in values and key != "endpoint"
            )
        values["lang"] = language
        try:
            return url_for(endpoint, **values)
        except (BuildError, ValueError, TypeError):
            pass
    return url_for("learn.index", lang=language)


def opens_with_get(endpoint: str) -> bool:
    return any("GET" in rule.methods for rule in current_app.url_map.iter_rules(endpoint))


def signed_number(value: float) -> str:
    """+12 or −12, with the plus and minus signs of the page's language."""
    symbols = get_locale().number_symbols["latn"]
    sign = symbols["plusSign"] if value >= 0 else symbols["minusSign"]
    return sign + format_decimal(abs(value), format="#,##0")


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def take_language(endpoint, values):
        if values and "lang" in values:
            language = values.pop("lang")
            if language not in app.config["LANGUAGES"]:
                raise NotFound()
            g.lang = language

    @app.url_defaults
    def add_language(endpoint, values):
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = select_locale()

    @app.after_request
    def remember_language(response):
        if g.get("lang") and request.cookies.get(LANGUAGE_COOKIE) != g.lang:
            response.set_cookie(
                LANGUAGE_COOKIE,
                g.lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
            )
        return response

    app.jinja_env.globals.update(
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        format_percent=format_percent,
        signed_number=signed_number,
    )

    @app.context_processor
    def language_helpers():
        return {
            "switch_language_url": switch_language_url,
            "language_names": LANGUAGE_NAMES,
            "page_language": select_locale(),
        }

    @app.get("/robots.txt")
    def robots():
        return "User-agent: *\nAllow: /\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

    @app.get("/favicon.ico")
    def favicon():
        return redirect(url_for("static", filename="favicon.svg"), code=301)

    @app.get("/")
    def root():
        return redirect(url_for("learn.index", lang=preferred_language()))
