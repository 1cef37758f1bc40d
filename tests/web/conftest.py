"""Fixtures for the web tests."""

import pytest

from tests.factories import log_in_staff, make_staff


@pytest.fixture
def teacher(app, client):
    """The test client, logged in as the teacher "tina"."""
    make_staff(app, "tina")
    assert log_in_staff(client, "tina").status_code == 303
    return client


@pytest.fixture
def editor(app, client):
    """The test client, logged in as the editor "edna", who lands in the studio."""
    make_staff(app, "edna", role="editor")
    assert log_in_staff(client, "edna").headers["Location"].endswith("/en/studio/")
    return client
