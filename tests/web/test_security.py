"""Security headers on every kind of response, and cookies that scripts cannot read."""

import pytest

PATHS = ["/nb/", "/en/lessons/what-they-look-like", "/nb/no-such-page", "/static/site.css", "/healthz", "/robots.txt"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_over_https(client):
    response = client.get("/nb/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookies_are_http_only_and_same_site(client):
    from tests.factories import lesson_slugs, open_quiz, submit

    app = client.application
    submit(client, open_quiz(client, app, lesson_slugs(app)[0]))
    cookies = {cookie.key: cookie for cookie in client._cookies.values()}
    session = cookies["session"]
    assert session.http_only and session.same_site == "Lax" and not session.secure


def test_cookies_are_secure_when_served_over_https(app):
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.get("/nb/", base_url="https://localhost")
    set_cookies = response.headers.getlist("Set-Cookie")
    assert set_cookies and all("Secure" in line and "HttpOnly" in line for line in set_cookies)
