"""Let the browser keep its copy of a quiz page for the Back button.

Pressing Back after sending a quiz must show the very form that was sent, with its
one-time ticket, so that sending it again is recognised as a double submit. Browsers
refetch a page on Back when it varies by cookie and the cookies changed (they do when a
first answer creates the learner), so such a page is marked private and not varied by
cookie. Nothing on it is secret: its form tokens are checked against the session anyway.
"""

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface


class HistoryFriendlySessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response):
        super().save_session(app, session, response)
        if g.get("keep_for_back_button"):
            response.vary.discard("Cookie")


def keep_for_back_button(response):
    g.keep_for_back_button = True
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


def init_app(app: Flask) -> None:
    app.session_interface = HistoryFriendlySessionInterface()
