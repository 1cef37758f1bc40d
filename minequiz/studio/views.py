"""The studio: NGO staff write, translate and publish lessons. Forms validate, the studio
service decides and stores, each view commits once."""

import copy
import json
import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from ..auth.forms import StaffLoginForm
from ..auth.roles import no_store, require_roles
from ..errors import fail
from ..extensions import db
from ..i18n import localized
from ..learn.forms import build_quiz_form
from ..models import Lesson, LessonVersion, SafetyMessage
from ..services import content, documents, images, interchange, question_bank, studio
from ..teach.forms import ActionForm
from . import forms
from .labels import action_labels, diff_labels, problem_for_image, state_labels

bp = Blueprint("studio", __name__, url_prefix="/<lang>/studio")
bp.after_request(no_store)
UPLOAD_LIMIT = images.MAX_UPLOAD_BYTES + 512 * 1024
# For an editor: room for a phone's photo, so that one too large for a lesson is refused
# on its form, with everything typed kept, rather than by a bare 413 page.
EDITOR_UPLOAD_LIMIT = 24 * 1024 * 1024
_require = require_roles("editor", "admin")


@bp.before_request
def guard():
    if request.method == "POST":
        request.max_content_length = UPLOAD_LIMIT
        if not current_user.is_authenticated or not current_user.has_credentials:
            return session_expired()
        if current_user.role in ("editor", "admin"):
            request.max_content_length = EDITOR_UPLOAD_LIMIT
    return _require()


def session_expired():
    """A form posted after the session ended: nothing is saved, but its text is kept in
    the login form and offered for saving again once the editor has logged in. Not a form
    posted from another site: its text would be offered to the editor as theirs."""
    form = StaffLoginForm(formdata=None)
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:  # (the host alone: a proxy may end HTTPS)
        fail(403, _("This form was sent from another site, so nothing was saved."))
    if any(upload.filename for upload in request.files.values()):
        # A file cannot be kept for the browser to send again: back to the page after login.
        lesson_id = (request.view_args or {}).get("lesson_id")
        back = url_for(".lesson", lesson_id=lesson_id) if lesson_id else url_for(".index")
        return render_template("studio/expired.html", form=form, upload_back=back), 401
    kept = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
    return render_template(
        "studio/expired.html",
        form=form,
        resume=json.dumps(kept, ensure_ascii=False),
        resume_url=request.path,
    ), 401


def refusal_notice(form) -> str | None:
    """What to say above a studio form refused for its hidden fields (an expired page, or
    one changed by hand); None for mistakes shown at their fields."""
    if form.csrf_token.errors:
        return _("This page had expired, so nothing was saved. Check and save again.")
    if form.revision.errors:
        return _("This page was changed or is incomplete, so nothing was saved. Reload it and try again.")
    return None


def languages() -> tuple[str, ...]:
    return studio.languages()


def lesson_or_404(lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        fail(404, _("There is no such lesson."))
    return lesson


def question_or_404(document: dict, key: str) -> dict:
    for question in document["questions"]:
        if question["key"] == key:
            return question
    fail(404, _("There is no such question in this lesson."))


def revision_of(form) -> int:
    return int(form.revision.data)


def conflict_page(error: studio.Conflict, lesson: Lesson, mine: dict):
    """Both versions side by side; "keep mine" posts the whole of mine back, so nothing
    typed is lost whichever the editor chooses."""
    return render_template(
        "studio/conflict.html",
        lesson=lesson,
        rows=studio.diff(error.current, mine, diff_labels()),
        mine=json.dumps(mine, ensure_ascii=False),
        revision=error.revision,
    ), 409


@bp.post("/lessons/<id:lesson_id>/resolve")
def resolve(lesson_id: int):
    found = lesson_or_404(lesson_id)
    form = forms.Revision()
    try:
        mine = json.loads(request.form.get("document", ""))
    except (ValueError, RecursionError):
        mine = None
    if (
        not form.validate_on_submit()
        or not isinstance(mine, dict)
        or documents.shape_problems(mine)
        or not all(interchange.studio_image(sha) for sha in documents.image_hashes(mine))
    ):
        fail(400, _("This page had expired or was changed, so nothing was saved. Try again."))
    try:
        studio.save(found, revision_of(form), mine, current_user, "kept-mine")
    except studio.Conflict as conflict:
        return conflict_page(conflict, found, mine)
    db.session.commit()
    flash(_("Your version was saved."))
    return redirect(url_for(".lesson", lesson_id=found.id), code=303)


# Lists -----------------------------------------------------------------------------------


@bp.get("/")
def index(new_form=None, status=200):
    return render_template(
        "studio/index.html",
        rows=studio.lesson_rows(g.lang),
        messages=db.session.scalars(db.select(SafetyMessage).order_by(SafetyMessage.number)).all(),
        states=state_labels(),
        languages=languages(),
        new_form=new_form or forms.NewLessonForm(formdata=None),
        import_form=forms.ImportForm(formdata=None),
    ), status


@bp.post("/lessons")
def create_lesson():
    form = forms.NewLessonForm()
    if not form.validate_on_submit():
        return index(form, 422)
    if not studio.slug_taken(form.slug.data):
        try:
            lesson = studio.create_lesson(form.slug.data, current_user)
            db.session.commit()
            return redirect(url_for(".lesson", lesson_id=lesson.id), code=303)
        except IntegrityError:  # the same form sent twice at once: the other copy made it
            db.session.rollback()
    form.slug.errors.append(_("Another lesson has this address already."))
    return index(form, 409)


# One lesson ------------------------------------------------------------------------------


def lesson_form(document: dict, revision: int, formdata=None):
    form = forms.lesson_form_class(languages())(formdata=formdata)
    form.messages.choices = message_choices()[1:]
    if formdata is None:
        data = {"revision": str(revision), "position": document["position"], "messages": document["messages"]}
        for language in languages():
            for name in documents.LESSON_TEXTS:
                data[f"{name}_{language}"] = document[name][language]
            data[f"alt_{language}"] = ((document.get("image") or {}).get("alt") or {}).get(language, "")
        form.process(data=data)
    return form


def render_lesson(lesson: Lesson, form, document: dict, status=200, problems=None, notice=None):
    return render_template(
        "studio/lesson.html",
        lesson=lesson,
        form=form,
        document=document,
        state=studio.state(lesson),
        states=state_labels(),
        languages=languages(),
        complete=documents.completeness(document, languages()),
        problems=problems,
        notice=notice,
        action=ActionForm(formdata=None),
        new_question=forms.NewQuestionForm(formdata=None, revision=str(lesson.revision)),
        kinds=forms.KIND_LABELS,
        messages={m.key: m for m in db.session.scalars(db.select(SafetyMessage))},
        gift_form=forms.gift_import_form(languages(), formdata=None, revision=str(lesson.revision)),
        gift_notes=question_bank.export_notes(document, languages()),
    ), status


@bp.get("/lessons/<id:lesson_id>")
def lesson(lesson_id: int):
    found = lesson_or_404(lesson_id)
    document = studio.working_document(found)
    return render_lesson(found, lesson_form(document, found.revision), document)


def attach_image(target: dict, form) -> str | None:
    """Apply the form's picture fields to a document part; an error message or None."""
    upload = form.image.data
    if form.remove_image.data:
        target.pop("image", None)
    elif upload and getattr(upload, "filename", ""):
        try:
            stored = images.store(upload.read())
        except images.ImageRejected as error:
            return problem_for_image(error.reason)
        target["image"] = {"sha256": stored.sha256, "alt": {}}
    if target.get("image"):
        target["image"]["alt"] = {language: form[f"alt_{language}"].data or "" for language in languages()}
    return None


@bp.post("/lessons/<id:lesson_id>")
def save_lesson(lesson_id: int):
    found = lesson_or_404(lesson_id)
    document = studio.working_document(found)
    form = lesson_form(document, found.revision, formdata=request.form)
    form.image.process(request.files)
    if not form.validate_on_submit():
        notice = refusal_notice(form)
        return render_lesson(found, form, document, 422 if not notice else 400, notice=notice)
    mine = copy.deepcopy(document)
    mine["position"] = form.position.data
    mine["messages"] = list(form.messages.data)
    for language in languages():
        for name in documents.LESSON_TEXTS:
            mine[name][language] = form[f"{name}_{language}"].data or ""
    error = attach_image(mine, form)
    if error:
        form.image.errors = [error]
        return render_lesson(found, form, document, 422)
    try:
        studio.save(found, revision_of(form), mine, current_user, "edited")
    except studio.Conflict as conflict:
        return conflict_page(conflict, found, mine)
    db.session.commit()
    if mine["position"] != document["position"]:  # the list's order is not versioned
        flash(_("Saved. The new place in the list applies at once; students see other changes once you publish."))
    else:
        flash(_("Saved. Students see the change once you publish."))
    return redirect(url_for(".lesson", lesson_id=found.id), code=303)


# Questions -------------------------------------------------------------------------------


def message_choices():
    return [SelectChoice("", _("None (a fact question)"))] + [
        SelectChoice(message.key, f"{message.number}. {message_title(message)}")
        for message in db.session.scalars(db.select(SafetyMessage).order_by(SafetyMessage.number))
    ]


def message_title(message: SafetyMessage) -> str:
    return localized(message.texts).title if message.texts else message.key


def question_form(question: dict, revision: int, formdata=None):
    form_class = forms.question_form_class(languages())
    if formdata is not None:
        form = form_class(formdata=formdata)
    else:
        data = {
            "revision": str(revision),
            "kind": question["kind"],
            "message": question.get("message", ""),
            "answer": "true" if question.get("answer", True) else "false",
            "choices": [
                {
                    "key": choice["key"],
                    "correct": bool(choice.get("correct")),
                    "place": number,
                    **{f"text_{language}": choice["text"].get(language, "") for language in languages()},
                }
                for number, choice in enumerate(question.get("choices") or [], 1)
            ],
        }
        for language in languages():
            for name in documents.QUESTION_TEXTS:
                data[f"{name}_{language}"] = question[name].get(language, "")
            data[f"alt_{language}"] = ((question.get("image") or {}).get("alt") or {}).get(language, "")
        form = form_class(formdata=None, data=data)
    form.message.choices = message_choices()
    return form


def question_from_form(form, old: dict) -> dict:
    """The question as the form describes it: removed choices dropped, choices sorted by
    the places given, keys kept where valid and unique."""
    question = {"key": old["key"], "kind": form.kind.data}
    if form.message.data:
        question["message"] = form.message.data
    for name in documents.QUESTION_TEXTS:
        question[name] = {language: form[f"{name}_{language}"].data or "" for language in languages()}
    if old.get("image"):
        question["image"] = copy.deepcopy(old["image"])
    if form.kind.data == "truefalse":
        question["answer"] = form.answer.data != "false"
    entries = [entry.form for entry in form.choices.entries if not entry.form.remove.data]
    entries = sorted(enumerate(entries), key=lambda pair: (pair[1].place.data or pair[0] + 1, pair[0]))
    choices, taken = [], set()
    for _index, entry in entries:
        key = entry.key.data if documents.KEY.match(entry.key.data or "") and entry.key.data not in taken else None
        choice = documents.new_choice(taken, languages(), form.kind.data) if key is None else {"key": key}
        choice["text"] = {language: entry[f"text_{language}"].data or "" for language in languages()}
        if form.kind.data != "order":
            choice["correct"] = bool(entry.correct.data)
        taken.add(choice["key"])
        choices.append(choice)
    question["choices"] = choices
    return question


def render_question(lesson: Lesson, form, question: dict, status=200, problems=None, notice=None):
    return render_template(
        "studio/question.html",
        lesson=lesson,
        form=form,
        question=question,
        number=1 + [q["key"] for q in studio.working_document(lesson)["questions"]].index(question["key"]),
        languages=languages(),
        problems=problems or [],
        notice=notice,
    ), status


@bp.get("/lessons/<id:lesson_id>/questions/<key>")
def question(lesson_id: int, key: str):
    found = lesson_or_404(lesson_id)
    item = question_or_404(studio.working_document(found), key)
    return render_question(found, question_form(item, found.revision), item)


@bp.post("/lessons/<id:lesson_id>/questions/<key>")
def save_question(lesson_id: int, key: str):
    found = lesson_or_404(lesson_id)
    document = studio.working_document(found)
    if key not in {question["key"] for question in document["questions"]} and request.form.get("revision") != str(
        found.revision
    ):
        return question_gone(found)
    old = question_or_404(document, key)
    form = question_form(old, found.revision, formdata=request.form)
    form.image.process(request.files)
    if request.form.get("action") == "add-choice":
        if len(form.choices.entries) >= forms.MAX_CHOICES:
            notice = _("A question has at most %(max)d choices.", max=forms.MAX_CHOICES)
            return render_question(found, form, old, notice=notice)
        form.choices.append_entry()
        return render_question(found, form, old, notice=_("A choice was added below. Nothing is saved yet."))
    if not form.validate_on_submit():
        notice = refusal_notice(form)
        return render_question(found, form, old, 400 if notice else 422, notice=notice)
    new = question_from_form(form, old)
    problems = documents.question_problems(new)
    if problems:
        return render_question(found, form, old, 422, problems=problems)
    error = attach_image(new, form)
    if error:
        form.image.errors = [error]
        return render_question(found, form, old, 422)
    mine = copy.deepcopy(document)
    mine["questions"] = [new if q["key"] == key else q for q in mine["questions"]]
    try:
        studio.save(found, revision_of(form), mine, current_user, "edited-question", key)
    except studio.Conflict as conflict:
        return conflict_page(conflict, found, mine)
    db.session.commit()
    flash(_("Question saved. Students see the change once you publish."))
    return redirect(url_for(".lesson", lesson_id=found.id) + f"#question-{key}", code=303)


QUESTION_TEXT_FIELD = re.compile(r"(?:choices-([0-9]{1,2})-)?(prompt|explanation|text)_(\w+)")


def question_gone(lesson: Lesson):
    """A question saved after someone else removed it: nothing to save it into, so what
    was typed into it is shown, to be copied."""
    labels = {"prompt": _("Question"), "explanation": _("Explanation shown after the answer"), "text": _("Choice")}
    texts = []
    for name in request.form:
        match = QUESTION_TEXT_FIELD.fullmatch(name)
        value = request.form.get(name, "").strip()
        if match and value and match[3] in languages():
            number, part, language = match.groups()
            label = labels[part] + (f" {int(number) + 1}" if number else "")
            texts.append((f"{label} ({documents.language_name(language)})", value))
    return render_template("studio/question_gone.html", lesson=lesson, texts=texts), 409


def change_questions(found: Lesson, form, change, action: str, detail: str):
    if not form.validate_on_submit():
        fail(400, _("This page had expired, so nothing was changed. Try again."))
    document = studio.working_document(found)
    mine = copy.deepcopy(document)
    change(mine)
    try:
        studio.save(found, revision_of(form), mine, current_user, action, detail)
    except studio.Conflict as conflict:
        return conflict_page(conflict, found, mine)
    db.session.commit()
    return None


@bp.post("/lessons/<id:lesson_id>/questions")
def add_question(lesson_id: int):
    found = lesson_or_404(lesson_id)
    form = forms.NewQuestionForm()
    created = {}

    def change(document):
        created.update(documents.new_question(document, form.kind.data, languages()))
        document["questions"].append(created)

    page = change_questions(found, form, change, "added-question", "")
    return page or redirect(url_for(".question", lesson_id=found.id, key=created["key"]), code=303)


@bp.post("/lessons/<id:lesson_id>/questions/<key>/move")
def move_question(lesson_id: int, key: str):
    found = lesson_or_404(lesson_id)
    question_or_404(studio.working_document(found), key)
    form = forms.MoveForm()

    def change(document):
        keys = [q["key"] for q in document["questions"]]
        index = keys.index(key)
        other = index - 1 if form.direction.data == "up" else index + 1
        if 0 <= other < len(keys):
            questions = document["questions"]
            questions[index], questions[other] = questions[other], questions[index]

    page = change_questions(found, form, change, "moved-question", key)
    return page or redirect(url_for(".lesson", lesson_id=found.id) + f"#question-{key}", code=303)


@bp.post("/lessons/<id:lesson_id>/questions/<key>/delete")
def delete_question(lesson_id: int, key: str):
    found = lesson_or_404(lesson_id)
    question_or_404(studio.working_document(found), key)

    def change(document):
        document["questions"] = [q for q in document["questions"] if q["key"] != key]

    page = change_questions(found, forms.Revision(), change, "removed-question", key)
    if page:
        return page
    flash(_("Question removed from the draft. Earlier results keep it."))
    return redirect(url_for(".lesson", lesson_id=found.id), code=303)


# Publishing --------------------------------------------------------------------------------


@bp.post("/lessons/<id:lesson_id>/publish")
def publish(lesson_id: int):
    found = lesson_or_404(lesson_id)
    form = forms.Revision()
    if not form.validate_on_submit():
        fail(400, _("This page had expired, so nothing was changed. Try again."))
    try:
        version = studio.publish(found, revision_of(form), current_user)
    except studio.PublishRefused as refused:
        document = studio.working_document(found)
        return render_lesson(found, lesson_form(document, found.revision), document, 422, problems=refused.problems)
    except studio.Conflict as conflict:
        return conflict_page(conflict, found, conflict.current)
    db.session.commit()
    flash(_("Published as version %(number)d. Students get it from now on.", number=version.number))
    return redirect(url_for(".lesson", lesson_id=found.id), code=303)


@bp.post("/lessons/<id:lesson_id>/<any(unpublish, archive, restore):action>")
def visibility(lesson_id: int, action: str):
    found = lesson_or_404(lesson_id)
    form = forms.Revision()
    if not form.validate_on_submit():
        fail(400, _("This page had expired, so nothing was changed. Try again."))
    try:
        studio.set_visibility(found, revision_of(form), current_user, action)
    except studio.Conflict as conflict:
        return conflict_page(conflict, found, conflict.current)
    db.session.commit()
    flash(
        {
            "unpublish": _("Unpublished. Students no longer see this lesson; their results are kept."),
            "archive": _("Archived. Students no longer see this lesson; their results are kept."),
            "restore": _("Restored as an unpublished lesson."),
        }[action]
    )
    return redirect(url_for(".lesson", lesson_id=found.id), code=303)


# Preview, history -------------------------------------------------------------------------


def preview_version(found: Lesson) -> LessonVersion:
    """The draft as unsaved rows, numbered so the student templates can show it."""
    document = studio.working_document(found)
    messages = {message.key: message for message in db.session.scalars(db.select(SafetyMessage))}
    by_sha = studio.images_by_sha(document)
    images_of = {image.id: image for image in by_sha.values()}
    version = documents.build_version(document, messages, by_sha, documents.true_false_labels(languages()), languages())
    version.lesson = found
    version.image = images_of.get(version.image_id)
    for number, item in enumerate(version.questions, 1):
        item.image = images_of.get(item.image_id)
        item.id = number
        for place, choice in enumerate(item.choices, 1):
            choice.id = number * 100 + place
    mark_missing(version, g.lang)
    return version


def mark_missing(version: LessonVersion, language: str) -> None:
    """In a preview, a text not written in the page's language says so where it would be
    (a published version has every text)."""
    marker = "[" + _("Missing in %(language)s", language=documents.language_name(language)) + "]"
    rows = [(version.texts.get(language), ("title", "summary", "body"))]
    for question in version.questions:
        rows.append((question.texts.get(language), ("prompt", "explanation")))
        rows += [(choice.texts.get(language), ("text",)) for choice in question.choices]
    for row, names in rows:
        for name in names:
            if row is not None and not documents.written(getattr(row, name)):
                setattr(row, name, marker)


@bp.get("/lessons/<id:lesson_id>/preview")
def preview(lesson_id: int):
    found = lesson_or_404(lesson_id)
    with db.session.no_autoflush:
        version = preview_version(found)
        return render_template(
            "learn/lesson.html",
            version=version,
            text=localized(version.texts),
            body=content.render_markdown(localized(version.texts).body),
            attempted=True,
            preview={
                "quiz": url_for(".preview_quiz", lesson_id=found.id),
                "back": url_for(".lesson", lesson_id=found.id),
            },
        )


@bp.get("/lessons/<id:lesson_id>/preview/quiz")
def preview_quiz(lesson_id: int):
    found = lesson_or_404(lesson_id)
    with db.session.no_autoflush:
        version = preview_version(found)
        return render_template(
            "learn/quiz.html",
            version=version,
            text=localized(version.texts),
            form=build_quiz_form(version, g.lang),
            kind="post",
            display_order=content.display_order,
            preview={"back": url_for(".lesson", lesson_id=found.id)},
        )


@bp.get("/lessons/<id:lesson_id>/history")
def history(lesson_id: int):
    found = lesson_or_404(lesson_id)
    versions = studio.versions(found)
    by_number = {version.number: version for version in versions}
    rows, old, new = None, request.args.get("old", ""), request.args.get("new", "")
    if old or new:
        documents_by_choice = {
            str(number): (lambda v=version: studio.version_document(v)) for number, version in by_number.items()
        }
        documents_by_choice["draft"] = lambda: studio.working_document(found)
        if old not in documents_by_choice or new not in documents_by_choice:
            fail(404, _("There is no such version of this lesson."))
        rows = studio.diff(documents_by_choice[old](), documents_by_choice[new](), diff_labels())
    return render_template(
        "studio/history.html",
        lesson=found,
        versions=versions,
        changes=studio.history(found),
        rows=rows,
        old=old,
        new=new,
        actions=action_labels(),
    )


# Safety messages ----------------------------------------------------------------------------


def message_or_404(message_id: int) -> SafetyMessage:
    message = db.session.get(SafetyMessage, message_id)
    if message is None:
        fail(404, _("There is no such safety message."))
    return message


@bp.route("/messages/<id:message_id>", methods=["GET", "POST"])
def message(message_id: int):
    found = message_or_404(message_id)
    form_class = forms.message_form_class(languages())
    if request.method == "GET":
        data = {"revision": str(found.revision), "number": found.number}
        for language in languages():
            row = found.texts.get(language)
            data[f"title_{language}"] = row.title if row else ""
            data[f"text_{language}"] = row.text if row else ""
        form = form_class(formdata=None, data=data)
        return render_template("studio/message.html", message=found, form=form, languages=languages())
    form = form_class()
    if not form.validate_on_submit():
        notice = refusal_notice(form)
        return render_template(
            "studio/message.html", message=found, form=form, languages=languages(), notice=notice
        ), 400 if notice else 422
    texts = {
        language: (form[f"title_{language}"].data or "", form[f"text_{language}"].data or "")
        for language in languages()
    }
    missing = [documents.language_name(language) for language, pair in texts.items() if not all(pair)]
    if missing:
        notice = _("Write the title and the message in every language: %(languages)s.", languages=", ".join(missing))
        return render_template(
            "studio/message.html", message=found, form=form, languages=languages(), notice=notice
        ), 422
    try:
        studio.save_message(found, revision_of(form), texts, form.number.data)
    except studio.Conflict as conflict:
        form.revision.data = str(conflict.revision)
        return render_template(
            "studio/message.html", message=found, form=form, languages=languages(), current=conflict.current
        ), 409
    db.session.commit()
    content.render_markdown.cache_clear()
    flash(_("Safety message saved. Learners see it at once."))
    return redirect(url_for(".index") + "#messages", code=303)


# Images -------------------------------------------------------------------------------------


def serve_image(sha256: str):
    image = images.by_sha(sha256) if documents.KEY.fullmatch(sha256) and len(sha256) == 64 else None
    if image is None:
        fail(404, _("There is no such picture."))
    response = Response(image.data, mimetype=image.mime)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response
