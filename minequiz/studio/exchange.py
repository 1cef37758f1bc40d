"""Studio files in and out: whole lessons as JSON, a lesson's questions as Moodle GIFT
files (one per language). Registered on the studio blueprint."""

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import fail
from ..extensions import db
from ..models import Lesson
from ..services import interchange, question_bank, studio
from . import forms
from .views import bp, conflict_page, languages, lesson_or_404, revision_of


def download(text: str, name: str, mimetype: str) -> Response:
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def all_lessons() -> list[Lesson]:
    return db.session.scalars(db.select(Lesson).order_by(Lesson.position, Lesson.slug)).all()


def file_language_or_404(code: str) -> str:
    if code not in languages():
        fail(404, _("There is no such language here."))
    return code


class UnreadableUpload(Exception):
    """The uploaded file is not UTF-8 text."""


def read_upload(form) -> str | None:
    """The uploaded file's text, None when no file was chosen."""
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableUpload() from None


def uploaded_text(form) -> tuple[str | None, list[tuple[int | None, str]]]:
    """(text, problems): a problem when no file was chosen or it is not text."""
    try:
        text = read_upload(form)
    except UnreadableUpload:
        return None, [(None, _("This file is not text in UTF-8. Save it as UTF-8 and try again."))]
    if text is None:
        return None, [(None, _("Choose a file to import."))]
    return text, []


# JSON ------------------------------------------------------------------------------------


@bp.get("/export.json")
def export_all():
    return download(interchange.dumps(interchange.export(all_lessons())), "minequiz-lessons.json", "application/json")


@bp.get("/lessons/<id:lesson_id>/export.json")
def export_lesson(lesson_id: int):
    found = lesson_or_404(lesson_id)
    return download(interchange.dumps(interchange.export([found])), f"{found.slug}.json", "application/json")


@bp.post("/import")
def import_json():
    form = forms.ImportForm()
    form.file.process(request.files)
    if not form.validate_on_submit():
        fail(400, _("This page had expired, so nothing was changed. Try again."))
    text, problems = uploaded_text(form)
    if problems:
        return import_result(problems, 422)
    try:
        data = interchange.check(text, languages())
        report = interchange.apply(data, current_user, languages())
    except interchange.ImportRefused as refused:
        db.session.rollback()
        return import_result(refused.problems, 422)
    db.session.commit()
    return import_result([], 200, report)


def import_result(problems, status, report=None):
    return render_template("studio/imported.html", problems=problems, report=report), status


# GIFT ------------------------------------------------------------------------------------

GIFT_MIMETYPE = "text/plain"


@bp.get("/gift/<code>")
def export_all_gift(code: str):
    language = file_language_or_404(code)
    text = question_bank.export_questions(all_lessons(), language)
    return download(text, f"minequiz-questions-{language}.gift.txt", GIFT_MIMETYPE)


@bp.get("/lessons/<id:lesson_id>/gift/<code>")
def export_lesson_gift(lesson_id: int, code: str):
    found = lesson_or_404(lesson_id)
    language = file_language_or_404(code)
    text = question_bank.export_questions([found], language)
    return download(text, f"{found.slug}-{language}.gift.txt", GIFT_MIMETYPE)


@bp.post("/lessons/<id:lesson_id>/gift")
def import_gift(lesson_id: int):
    found = lesson_or_404(lesson_id)
    form = forms.gift_import_form(languages())
    form.file.process(request.files)
    if not form.validate_on_submit():
        if form.csrf_token.errors or form.revision.errors:
            fail(400, _("This page had expired, so nothing was changed. Try again."))
        return gift_result(found, form, [(None, _("Choose the language the file is written in."))], 422)
    text, problems = uploaded_text(form)
    if problems:
        return gift_result(found, form, problems, 422)
    try:
        mine, report = question_bank.merge_file(found, text, form.language.data)
    except question_bank.GiftRefused as refused:
        return gift_result(found, form, refused.problems, 422)
    if report.changed:
        try:
            studio.save(found, revision_of(form), mine, current_user, "imported-gift", form.language.data)
        except studio.Conflict as conflict:
            return conflict_page(conflict, found, mine)
        db.session.commit()
    return gift_result(found, form, [], 200, report)


def gift_result(lesson: Lesson, form, problems, status, report=None):
    return render_template(
        "studio/gift_imported.html", lesson=lesson, gift_form=form, problems=problems, report=report
    ), status
