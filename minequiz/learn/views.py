"""Student pages. Each view parses, calls a service, commits, then redirects or renders."""

from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from ..auth.learners import attempts_stamp, current_learner_id, ensure_learner
from ..caching import keep_for_back_button
from ..errors import fail
from ..extensions import db
from ..i18n import localized
from ..layout import render_page
from ..models import Attempt, User
from ..services import attempts, catalogue, classes, content, progress
from .forms import build_quiz_form

bp = Blueprint("learn", __name__, url_prefix="/<lang>")


def mastery() -> int:
    return current_app.config["MASTERY_PERCENT"]


def version_or_404(slug: str):
    version = content.published_version(slug)
    if version is None:
        fail(404, _("There is no lesson at this address. Choose one from the lesson list."))
    return version


@bp.get("/")
def index():
    lessons = content.published_lessons()
    return render_page(
        (catalogue.stamp(), attempts_stamp()),
        "learn/index.html",
        lambda: {"rows": progress.lesson_progress(lessons, progress.learner_attempts(current_learner_id()), mastery())},
    )


@bp.get("/lessons/<slug>")
def lesson(slug: str):
    version = version_or_404(slug)
    return render_page(
        (version.id, catalogue.stamp(), attempts_stamp()),
        "learn/lesson.html",
        lambda: {
            "version": version,
            "text": localized(version.texts),
            "body": content.render_markdown(localized(version.texts).body),
            "attempted": attempts.has_attempted(current_learner_id(), version.lesson_id),
        },
    )


def quiz_context(version, form, kind: str, notice: str | None = None) -> dict:
    return {
        "version": version,
        "text": localized(version.texts),
        "form": form,
        "kind": kind,
        "notice": notice,
        "display_order": content.display_order,
    }


def render_quiz(version, form, kind: str, status: int, notice: str | None = None):
    return render_template("learn/quiz.html", **quiz_context(version, form, kind, notice)), status


@bp.get("/lessons/<slug>/quiz")
def quiz(slug: str):
    version = version_or_404(slug)
    wants_pretest = request.args.get("kind") == "pre"
    kind = attempts.quiz_kind(current_learner_id(), version.lesson_id, wants_pretest)
    ticket = attempts.issue_ticket(current_app.secret_key, version.id, kind)
    notice = (
        _("You have taken this quiz before, so this is not a test before reading.")
        if wants_pretest and kind != "pre"
        else None
    )

    def build() -> dict:
        form = build_quiz_form(version, g.lang)
        form.ticket.data = ticket
        return quiz_context(version, form, kind, notice)

    # The page is the same for every learner but for its two one-time tokens.
    holes = {"csrf": generate_csrf(), "ticket": ticket}
    body = render_page((version.id, catalogue.stamp(), kind, notice), "learn/quiz.html", build, holes)
    return keep_for_back_button(make_response(body))


@bp.post("/lessons/<slug>/quiz")
@bp.post("/lessons/<slug>/quiz/answers")
def submit_quiz(slug: str):
    """Answers are posted to their own address: a POST to the quiz page's own URL would
    make the browser drop its copy of that page, and "Back" would then fetch a fresh form
    that could be sent again as a new attempt."""
    ticket = attempts.read_ticket(current_app.secret_key, request.form.get("ticket", ""))
    if ticket is None:
        fail(400, _("This quiz form was changed or is incomplete. Open the quiz again and answer it."))
    version = catalogue.version(ticket.version_id)
    if version is None or version.lesson.slug != slug:
        fail(400, _("This answer sheet belongs to another quiz. Open the quiz again and answer it."))

    form = build_quiz_form(version, g.lang)
    if form.foreign_fields(request.form):
        fail(400, _("This answer sheet has answers to questions from another quiz. Open the quiz again and answer it."))
    if not form.validate_on_submit():
        # A form sent before says so first, whatever is wrong with this copy of it. (A
        # valid one is not looked up: its token is unique, so storing it again fails.)
        existing = attempts.find_by_token(ticket.token)
        if existing is not None:
            return already_submitted(existing)
        if form.csrf_token.errors:
            # Same ticket: whichever copy of this form is sent first counts, once.
            notice = _("This page had expired, so your answers were not sent yet. Check them and send them again.")
            return render_quiz(version, form, ticket.kind, status=400, notice=notice)
        return render_quiz(version, form, ticket.kind, status=422)

    try:
        attempt_id = attempts.record_attempt(ensure_learner().id, version, ticket, form.answers(), g.lang)
        db.session.commit()
    except IntegrityError:
        # The same form was sent again (or twice at once) and the other post was stored first.
        db.session.rollback()
        if db.session.get(User, current_learner_id() or 0) is None:
            logout_user()  # the learner made for this post was rolled back with it
        existing = attempts.find_by_token(ticket.token)
        if existing is None:
            raise
        return already_submitted(existing)
    return redirect(url_for("learn.attempt", attempt_id=attempt_id), code=303)


@bp.get("/lessons/<slug>/quiz/answers")
def answers_address(slug: str):
    """Answers are only ever posted here; a reopened tab or a restored session asking for
    this address gets the quiz (its own page says whether the lesson exists)."""
    return redirect(url_for("learn.quiz", slug=slug), code=303)


def already_submitted(existing: Attempt):
    own = existing.user_id == current_learner_id()
    return render_template("learn/already_submitted.html", attempt=existing if own else None), 409


def may_see_attempt(attempt: Attempt) -> bool:
    """The learner's own result, or one of their students' for a teacher (or an admin)."""
    if attempt.user_id == current_learner_id():
        return True
    return current_user.is_authenticated and classes.may_see_student(current_user, attempt.user_id)


@bp.get("/attempts/<id:attempt_id>")
def attempt(attempt_id: int):
    found = db.session.get(Attempt, attempt_id)
    if found is None or not may_see_attempt(found):
        fail(404, _("There is no result of yours at this address."))
    version = catalogue.version(found.version_id)
    return render_template(
        "learn/result.html",
        attempt=found,
        version=version,
        text=localized(version.texts),
        responses={r.question_id: r for r in found.responses},
        choice_texts={c.id: localized(c.texts).text for q in version.questions for c in q.choices},
        display_order=content.display_order,
        mastery=mastery(),
        own=found.user_id == current_learner_id(),
        still_taught=content.published_version(version.lesson.slug) is not None,
        student_name=None if found.user_id == current_learner_id() else classes.name_for(current_user, found.user),
    )


@bp.get("/progress")
def my_progress():
    lessons = content.published_lessons()

    def build() -> dict:
        history = progress.learner_attempts(current_learner_id())
        return {
            "rows": progress.lesson_progress(lessons, history, mastery()),
            "messages": progress.message_progress(history),
            "history": list(reversed(history)),
        }

    return render_page((catalogue.stamp(), attempts_stamp()), "learn/progress.html", build)
