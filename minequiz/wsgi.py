"""The app for a WSGI server: `gunicorn minequiz.wsgi:app` (see the README)."""

from . import create_app

app = create_app()
