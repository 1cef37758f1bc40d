"""The one permission check each staff blueprint installs."""

from collections.abc import Callable

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import fail


def require_roles(*roles: str) -> Callable:
    """A before_request hook: anonymous people are sent to log in, others need a role."""

    def check():
        if not current_user.is_authenticated or not current_user.has_credentials:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.role not in roles:
            fail(403, _("This page is for other roles than yours."))
        return None

    return check


def no_store(response):
    """Staff pages hold names, PINs and passwords: no copy is kept, not even for Back."""
    response.headers["Cache-Control"] = "no-store"
    return response
