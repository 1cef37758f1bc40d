"""minequiz: bilingual explosive ordnance risk education lessons and quizzes."""

from pathlib import Path

from flask import Flask
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import caching, errors, i18n, layout, request_log
from .config import load_config
from .extensions import babel, cache, db, limiter, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class IdConverter(IntegerConverter):
    """A database id: a positive integer that fits PostgreSQL's integer (else 404), in
    the digits 0-9 only (Python's \\d takes any script's)."""

    regex = r"[0-9]+"

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    app.url_map.converters["id"] = IdConverter
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy: take the client's address from X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])
    app.url_map.strict_slashes = False
    if config:
        app.config.update(config)
    if not app.config["LANGUAGES"]:
        app.config["LANGUAGES"] = i18n.catalogue_languages(
            app.config["BABEL_TRANSLATION_DIRECTORIES"], app.config["BABEL_DEFAULT_LOCALE"]
        )
    i18n.check_languages(app.config["LANGUAGES"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.config.setdefault("CACHE_KEY_PREFIX", layout.cache_prefix(app))
    cache.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    caching.init_app(app)
    errors.init_app(app)
    request_log.init_app(app)

    from . import models  # noqa: F401  (the whole schema, for migrations)
    from .admin.views import bp as admin_bp
    from .auth import learners
    from .auth.views import bp as auth_bp
    from .cli import register_cli
    from .learn.views import bp as learn_bp
    from .security import init_security
    from .services.documents import language_name
    from .studio import exchange  # noqa: F401  (its routes are on the studio blueprint)
    from .studio.views import bp as studio_bp
    from .studio.views import serve_image
    from .teach.tables import render_cell, rounded
    from .teach.views import bp as teach_bp

    learners.init_app(app)
    layout.init_app(app)
    app.jinja_env.globals.update(
        csrf_token=generate_csrf, rounded=rounded, render_cell=render_cell, language_name=language_name
    )
    for blueprint in (learn_bp, auth_bp, teach_bp, admin_bp, studio_bp):
        app.register_blueprint(blueprint)
    register_cli(app)
    init_security(app)

    app.add_url_rule("/media/<sha256>", "media", serve_image)

    @app.get("/healthz")
    def healthz():
        """For a load balancer: 200 while the database answers, else 503."""
        try:
            db.session.execute(db.text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            return {"status": "database unavailable"}, 503, {"Cache-Control": "no-store"}
        return {"status": "ok"}, 200, {"Cache-Control": "no-store"}

    return app
