"""The language of a page: first segment of its URL, a language switch, and the choice
for `/` (remembered language, else the browser's best match, else Norwegian).

The languages are the catalogues in the translations folder (see `config.py`), so a new
language is a catalogue and content rows, not a code change.
"""

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from flask import Flask, current_app, g, redirect, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from werkzeug.exceptions import NotFound
from werkzeug.routing import BuildError

# Browsers send Norwegian as nb, no or nn (often with -NO); all mean our Bokmål pages
# when the app has Bokmål and not the language asked for.
LANGUAGE_ALIASES = {"no": "nb", "nn": "nb"}
# The language last used, kept in its own year-long cookie (nothing secret in it).
LANGUAGE_COOKIE = "minequiz_lang"


def catalogue_languages(directories: str, default: str) -> tuple[str, ...]:
    """The languages with a catalogue in the translation folders (";"-separated, as
    Flask-Babel takes them): the default language first, then the others by code."""
    found = set()
    for directory in filter(None, directories.split(";")):
        for po in Path(directory).glob("*/LC_MESSAGES/messages.po"):
            if is_language(po.parent.parent.name):
                found.add(po.parent.parent.name)
    return (default, *sorted(found - {default}))


def is_language(code: str) -> bool:
    """Whether Babel knows this language code (and so can format dates and names in it)."""
    try:
        Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    return True


def check_languages(languages) -> None:
    """Refuse to start with a language code Babel does not know (MINEQUIZ_LANGUAGES=xx)."""
    for code in languages:
        if not is_language(code):
            raise ValueError(f"{code!r} in MINEQUIZ_LANGUAGES is not a language code Babel knows")


def supported() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def language_autonym(code: str) -> str:
    """A language's name in that language, as a language switch shows it: "Norsk bokmål"."""
    if not is_language(code):
        return code
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def localized(texts: dict, language: str | None = None):
    """The text row in `language` (the page's by default), else in the default language,
    else any: content written before a language was added still shows, in a language it has."""
    language = language or g.get("lang") or select_locale()
    if language in texts:
        return texts[language]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return texts[default] if default in texts else next(iter(texts.values()))


def browser_language() -> str | None:
    for value, quality in request.accept_languages:
        if quality <= 0:
            continue
        tag = value.lower().replace("_", "-")
        primary = tag.split("-")[0]
        for language in (tag, primary, LANGUAGE_ALIASES.get(primary)):
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


def short_day(day) -> str:
    """A day without its year, the way the page's language writes it ("1. des.", "Dec 1")."""
    return format_skeleton("MMMd", day, locale=get_locale())


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
        language_autonym=language_autonym,
        localized=localized,
        short_day=short_day,
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
            "language_names": {code: language_autonym(code) for code in supported()},
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
