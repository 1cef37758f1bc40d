"""Configuration: safe defaults, overridden by MINEQUIZ_* environment variables."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def instance_secret_key(instance_path: str) -> str:
    """Return the key kept in the instance folder, creating it once with 0600 rights."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_config(instance_path: str) -> dict:
    """Build the configuration from defaults and the environment."""
    database_url = os.environ.get("MINEQUIZ_DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "minequiz.sqlite")
    )
    # The page languages: MINEQUIZ_LANGUAGES ("nb,en", the first the default), else every
    # catalogue in the translations folder (create_app fills this in once the folder is known).
    languages = tuple(filter(None, (os.environ.get("MINEQUIZ_LANGUAGES") or "").replace(" ", "").split(",")))
    return {
        "SECRET_KEY": os.environ.get("MINEQUIZ_SECRET_KEY") or instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BABEL_DEFAULT_LOCALE": languages[0] if languages else "nb",
        # Times are stored in UTC and shown in the field office's time zone.
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("MINEQUIZ_TIMEZONE") or "UTC",
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS_DIR),
        "LANGUAGES": languages,
        # The session ends with the browser; a learner (not staff) is remembered for a
        # year on this device by the login cookie.
        "REMEMBER_COOKIE_DURATION": timedelta(days=365),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("MINEQUIZ_SECURE_COOKIES") == "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("MINEQUIZ_SECURE_COOKIES") == "1",
        # Long enough to read a lesson and answer its quiz; an expired form keeps its answers.
        "WTF_CSRF_TIME_LIMIT": 6 * 3600,
        "MASTERY_PERCENT": 80,
        "RATELIMIT_STORAGE_URI": os.environ.get("MINEQUIZ_RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # How many reverse proxies stand in front of the app (0: none).
        "PROXY_COUNT": int(os.environ.get("MINEQUIZ_PROXY_COUNT") or 0),
        # A quiz form is a few kilobytes; anything far larger is refused with a 413 page.
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # Rendered page parts: this process's memory by default; RedisCache (with
        # CACHE_REDIS_URL) to share them between the processes of one server.
        "CACHE_TYPE": os.environ.get("MINEQUIZ_CACHE_TYPE") or "SimpleCache",
        "CACHE_REDIS_URL": os.environ.get("MINEQUIZ_CACHE_REDIS_URL") or "",
        "CACHE_THRESHOLD": 5000,
        "CACHE_DEFAULT_TIMEOUT": 3600,
    }
