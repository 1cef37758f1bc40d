"""Log in (staff with a password, students with class code + name + PIN), join a class,
log out. Tries are rate-limited per account and address (every try, counted before it is
checked, so parallel guesses cannot slip through), per account from anywhere (failed tries,
with a higher ceiling, so a stranger cannot lock someone out for long) and per address."""

import json
import re

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter
from ..services import accounts
from .forms import JoinForm, StaffLoginForm, StudentLoginForm
from .learners import current_user_or_none, start_session

bp = Blueprint("auth", __name__, url_prefix="/<lang>")

REFUSALS = {
    "unknown-code": _l("There is no class with this code. Check the code with your teacher."),
    "closed": _l("This class is closed for joining. Ask your teacher."),
    "name-taken": _l(
        "Someone in this class already uses this name. Add a letter, for example the first letter of your family name."
    ),
    "invalid": _l("Fill in a name and a PIN of 4 to 6 digits."),
    "too-long": _l("Use at most 40 characters."),
    "staff": _l("You are logged in as staff. Log out first to join a class as a student."),
    "already-member": _l("You are already in this class as %(name)s."),
    "pin-mismatch": _l("You are logged in as %(name)s. Use your PIN, or log out first if you are someone else."),
}
EXPIRED = _l("This page had expired. What you typed is kept: send the form again.")


def failed(response) -> bool:
    return response.status_code != 303


def staff_key() -> str:
    return "staff:" + (request.form.get("username") or "").strip().lower()


def student_key() -> str:
    return (
        "student:"
        + accounts.normalise_code(request.form.get("code", ""))
        + ":"
        + accounts.name_key(request.form.get("name", ""))
    )


LOCAL_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$")
# A studio form's own address: where kept text may be posted again after logging in.
RESUMABLE = re.compile(r"^/[a-z]{2,3}(-[A-Za-z0-9]+)?/studio/[a-z0-9/\-]*$")


def no_account_named() -> bool:
    """A form without a username (or class code and name) counts only against its address."""
    return not (
        request.form.get("username", "").strip()
        or (request.form.get("code", "").strip() and request.form.get("name", "").strip())
    )


def safe_next(default: str) -> str:
    """Only a path on this site, with no characters a browser would drop or reinterpret."""
    target = request.args.get("next", "")
    return target if LOCAL_PATH.match(target) else default


def home_for(user) -> str:
    if user.role in ("teacher", "admin"):
        return url_for("teach.classes_page")
    if user.role == "editor":
        return url_for("studio.index")
    return url_for("learn.index")


def render_login(staff_form=None, student_form=None, notice=None, status=200):
    return render_template(
        "auth/login.html",
        staff_form=staff_form or StaffLoginForm(formdata=None),
        student_form=student_form or StudentLoginForm(formdata=None),
        notice=notice,
    ), status


@bp.get("/login")
def login():
    return render_login()


@bp.post("/login")
@limiter.limit(
    "10 per 15 minutes", key_func=lambda: f"{staff_key()}@{get_remote_address()}", exempt_when=no_account_named
)
@limiter.limit("30 per 15 minutes", key_func=staff_key, deduct_when=failed, exempt_when=no_account_named)
@limiter.limit("30 per minute", deduct_when=failed)
def staff_login():
    form = StaffLoginForm()
    if not form.validate_on_submit():
        return render_login(staff_form=form, notice=EXPIRED if form.csrf_token.errors else None, status=422)
    user = accounts.authenticate_staff(form.username.data, form.password.data)
    if user is None or user.role == "student":
        return render_login(staff_form=form, notice=_("Wrong username or password."), status=401)
    start_session(user, remember=False)
    resumed = resume_page(user)
    return resumed or redirect(safe_next(home_for(user)), code=303)


def resume_page(user):
    """After a studio form was posted with an expired session: offer its kept text for
    saving again (to the same studio address only)."""
    target = request.form.get("resume_url", "")
    if user.role not in ("editor", "admin") or not RESUMABLE.match(target):
        return None
    try:
        fields = json.loads(request.form.get("resume", ""))
    except ValueError:
        return None
    if not isinstance(fields, dict) or not all(
        isinstance(values, list) and all(isinstance(v, str) for v in values) for values in fields.values()
    ):
        return None
    texts = [(name, values[0]) for name, values in fields.items() if values and len(values[0]) > 40]
    return render_template("studio/resume.html", fields=fields, resume_url=target, texts=texts)


@bp.get("/login/student")
def student_login_address():
    """The student login form posts here; asked for (a reopened tab), it is the login page."""
    return redirect(url_for("auth.login"), code=303)


@bp.post("/login/student")
@limiter.limit(
    "5 per 15 minutes", key_func=lambda: f"{student_key()}@{get_remote_address()}", exempt_when=no_account_named
)
@limiter.limit("20 per 15 minutes", key_func=student_key, deduct_when=failed, exempt_when=no_account_named)
@limiter.limit("60 per minute", deduct_when=failed)
def student_login():
    form = StudentLoginForm()
    if not form.validate_on_submit():
        return render_login(student_form=form, notice=EXPIRED if form.csrf_token.errors else None, status=422)
    membership = accounts.authenticate_student(form.code.data, form.name.data, form.pin.data)
    if membership is None:
        return render_login(student_form=form, notice=_("Wrong class code, name or PIN."), status=401)
    name, user = membership.display_name, membership.user
    accounts.merge_learner(current_user_or_none(), user)
    db.session.commit()
    start_session(user, remember=True)
    flash(_("Welcome back, %(name)s.", name=name))  # as in the class they logged in to
    return redirect(safe_next(url_for("learn.my_progress")), code=303)


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def join():
    form = JoinForm(code=request.args.get("code", ""))
    if not form.validate_on_submit():
        notice = EXPIRED if form.csrf_token.errors else None
        return render_template("auth/join.html", form=form, notice=notice), (422 if request.method == "POST" else 200)
    learner = current_user_or_none()
    try:
        membership = accounts.join_class(
            form.code.data,
            form.name.data,
            form.pin.data,
            learner,
            {"age_group": form.age_group.data, "gender": form.gender.data, "disability": form.disability.data},
        )
        db.session.commit()
    except accounts.AccountError as refusal:
        db.session.rollback()
        notice = REFUSALS[refusal.reason] % {"name": refusal.name or (learner.display_name if learner else "")}
        return render_template("auth/join.html", form=form, notice=notice), 409
    except IntegrityError:  # someone took the same name at the same moment
        db.session.rollback()
        return render_template("auth/join.html", form=form, notice=REFUSALS["name-taken"]), 409
    start_session(membership.user, remember=True)
    flash(
        _(
            "Welcome to the class %(name)s. Your results are now shared with your teacher.",
            name=membership.classroom.name,
        )
    )
    return redirect(url_for("learn.index"), code=303)


@bp.post("/logout")
def logout():
    # No CSRF check: logging out must always work, even from a page left open for hours.
    if current_user.is_authenticated and current_user.has_credentials:
        user = current_user_or_none()
        if user is not None:  # (None: deleted meanwhile, so no session of it works anyway)
            accounts.end_sessions(user)
            db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("learn.index", lang=g.lang), code=303)
