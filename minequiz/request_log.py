"""One log line per request (method, path, status, size, milliseconds), so a slow page or a
burst of errors shows in the server's log. Query strings are left out: they are not needed
to find a slow page, and nothing a person typed ends up in the log."""

import logging
import time

from flask import Flask, g, request


def printable(text: str) -> str:
    """A decoded path with its line breaks and other control characters escaped, so an
    address cannot write a line of its own into the log."""
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


def init_app(app: Flask) -> None:
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
    logger = app.logger.getChild("requests")

    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        if started is not None:
            milliseconds = (time.perf_counter() - started) * 1000
            logger.info(
                "%s %s %s %s %.1fms",
                request.method,
                printable(request.path),
                response.status_code,
                response.calculate_content_length() or "-",
                milliseconds,
            )
        return response
