"""Error pages in the reader's language, for every HTTP error; never a bare 500."""

import math

from flask import Flask, make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from .extensions import db

TITLES = {
    400: _l("This request could not be understood"),
    403: _l("You may not open this page"),
    404: _l("Page not found"),
    405: _l("This page cannot be used like that"),
    409: _l("This was already done"),
    413: _l("What you sent is too large"),
    422: _l("Some answers need your attention"),
    429: _l("Too many tries"),
    500: _l("Something went wrong on our side"),
}
MESSAGES = {
    400: _l("The form you sent was incomplete or changed. Go back, reload the page and try again."),
    403: _l("You do not have access to this page."),
    404: _l("We could not find this page. It may have moved, or the address may be wrong."),
    405: _l("Open the page from the lesson list instead."),
    409: _l("This form was already sent once."),
    413: _l("Send something smaller."),
    422: _l("Check your answers and send them again."),
    429: _l("Wait a minute, then try again."),
    500: _l("Nothing you did caused this. Your earlier answers are safe. Try again in a moment."),
}


# For a button whose form had expired: the action was not carried out.
NOTHING_CHANGED = _l("This page had expired, so nothing was changed. Try again.")


class UserFacingError(HTTPException):
    """An HTTP error whose description is a message written for the reader."""

    def __init__(self, code: int, message):
        super().__init__(description=message)
        self.code = code


def fail(code: int, message) -> None:
    raise UserFacingError(code, message)


def render_error(code: int, message=None):
    fallback = 400 if 400 <= code < 500 else 500
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=TITLES.get(code, TITLES[fallback]),
            message=message or MESSAGES.get(code, MESSAGES[fallback]),
        ),
        code,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, UserFacingError):
            return render_error(error.code, error.description)
        if error.code == 429 and getattr(error, "limit", None) is not None:
            minutes = max(1, math.ceil(error.limit.limit.get_expiry() / 60))
            return render_error(
                429, ngettext("Wait %(num)d minute, then try again.", "Wait %(num)d minutes, then try again.", minutes)
            )
        if error.code in default_exceptions and error.code < 400:
            return error
        response = make_response(render_error(error.code or 500))
        for name, value in error.get_headers():  # such as a 405's Allow
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        try:
            return render_error(InternalServerError.code)
        except Exception:  # the error page itself failed: answer plainly rather than not at all
            app.logger.exception("Error page failed")
            return "500 Internal Server Error", 500, {"Content-Type": "text/plain; charset=utf-8"}
