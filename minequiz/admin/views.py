"""Admin pages: list, create and disable staff accounts, reset their passwords."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..auth.roles import no_store, require_roles
from ..errors import NOTHING_CHANGED, fail
from ..extensions import db
from ..models import User
from ..services import accounts
from ..teach.forms import ActionForm
from .forms import StaffForm

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin")
bp.before_request(require_roles("admin"))
bp.after_request(no_store)


def staff_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.username is None:
        fail(404, _("There is no such account."))
    return user


@bp.get("/users")
def users(form=None, status=200):
    staff = db.session.scalars(db.select(User).where(User.username.is_not(None)).order_by(User.username))
    return render_template(
        "admin/users.html", users=list(staff), form=form or StaffForm(formdata=None), action=ActionForm(formdata=None)
    ), status


@bp.post("/users")
def create_user():
    form = StaffForm()
    if not form.validate_on_submit():
        return users(form, 422)
    password = accounts.new_password()
    try:
        user = accounts.create_staff(form.username.data, password, form.role.data, form.display_name.data or None)
        db.session.commit()
    except (accounts.AccountError, IntegrityError):
        db.session.rollback()
        form.username.errors.append(_("This username is taken."))
        return users(form, 409)
    return render_template("admin/password.html", user=user, password=password)


@bp.post("/users/<id:user_id>/password")
def reset_password(user_id: int):
    user = staff_or_404(user_id)
    if not ActionForm().validate_on_submit():
        fail(400, _("This form had expired. Open the page again and try once more."))
    password = accounts.new_password()
    accounts.set_password(user, password)
    db.session.commit()
    return render_template("admin/password.html", user=user, password=password)


@bp.post("/users/<id:user_id>/active")
def toggle_active(user_id: int):
    user = staff_or_404(user_id)
    if user.id == current_user.id:
        fail(409, _("You cannot disable your own account."))
    if ActionForm().validate_on_submit():
        user.active = not user.active
        accounts.end_sessions(user)
        db.session.commit()
        flash(
            _("%(name)s can log in again.", name=user.username)
            if user.active
            else _("%(name)s can no longer log in.", name=user.username)
        )
    else:
        flash(str(NOTHING_CHANGED))
    return redirect(url_for("admin.users"), code=303)
