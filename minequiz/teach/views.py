"""Teachers' pages: classes, the class report, one student, exports and privacy."""

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.forms import PROFILE_LABELS
from ..auth.learners import account
from ..auth.roles import no_store, require_roles
from ..errors import NOTHING_CHANGED, fail
from ..extensions import db
from ..i18n import localized
from ..layout import render_page
from ..services import accounts, classes, reports
from ..services.progress import learner_attempts
from . import charts, tables
from .forms import ActionForm, ClassForm

bp = Blueprint("teach", __name__, url_prefix="/<lang>/teach")
bp.before_request(require_roles("teacher", "admin"))
bp.after_request(no_store)

CSV_TABLES = ("overview", "gain", "messages", "items", "groups-age_group", "groups-gender", "groups-disability")


def group_labels() -> dict[str, str]:
    # In a report, an answer nobody gave and "prefer not to say" are one group.
    return {**{value: str(label) for value, label in PROFILE_LABELS.items()}, "unsaid": _("Not given")}


def classroom_or_404(class_id: int):
    classroom = classes.classroom_for(current_user, class_id)
    if classroom is None:
        fail(404, _("There is no class of yours at this address."))
    return classroom


def membership_or_404(classroom, membership_id: int):
    membership = classes.membership_in(classroom, membership_id)
    if membership is None:
        fail(404, _("There is no such student in this class."))
    return membership


def class_data(classroom, with_marks: bool = True):
    return reports.load_class(classroom, current_app.config["MASTERY_PERCENT"], with_marks)


@bp.get("/")
def classes_page(form=None, status=200):
    return render_template(
        "teach/classes.html", classes=classes.classes_for(current_user), form=form or ClassForm(formdata=None)
    ), status


@bp.post("/")
def create_class():
    form = ClassForm()
    if not form.validate_on_submit():
        return classes_page(form, 422)
    classroom = classes.create_classroom(account(), form.name.data)
    db.session.commit()
    return redirect(url_for("teach.overview", class_id=classroom.id), code=303)


@bp.get("/classes/<id:class_id>")
def overview(class_id: int):
    classroom = classroom_or_404(class_id)
    data = class_data(classroom, with_marks=False)
    sort, descending = request.args.get("sort", "name"), request.args.get("order") == "desc"
    students = reports.sort_students(data, sort, descending)
    points = reports.progress_over_time(data, get_timezone())
    return render_template(
        "teach/overview.html",
        classroom=classroom,
        data=data,
        sortable=sort_links(classroom, data, sort, descending),
        student_link=lambda membership_id: url_for("teach.student", class_id=classroom.id, membership_id=membership_id),
        table=tables.overview_table(data, students, g.lang),
        not_started=[s for s in data.students if not s.started],
        form=ActionForm(formdata=None),
        chart=charts.line_chart(points),
        points=points,
    )


def sort_links(classroom, data, sort: str, descending: bool) -> list[tuple[str, str, str | None]]:
    """For each column: its key, the link that sorts by it, and its aria-sort state.
    A click on the sorted column flips it; names start A–Z, scores highest first."""
    links = []
    for key in ["name"] + [lesson.slug for lesson in data.lessons] + ["average"]:
        if key == sort:
            state, order = ("descending", "asc") if descending else ("ascending", "desc")
        else:
            state, order = None, "asc" if key == "name" else "desc"
        links.append((key, url_for("teach.overview", class_id=classroom.id, sort=key, order=order), state))
    return links


@bp.post("/classes/<id:class_id>/code")
def new_code(class_id: int):
    classroom = classroom_or_404(class_id)
    if ActionForm().validate_on_submit():
        classes.regenerate_code(classroom)
        db.session.commit()
        flash(_("The class has a new code. The old code no longer works."))
    else:
        flash(str(NOTHING_CHANGED))
    return redirect(url_for("teach.overview", class_id=class_id), code=303)


@bp.post("/classes/<id:class_id>/closed")
def toggle_closed(class_id: int):
    classroom = classroom_or_404(class_id)
    if ActionForm().validate_on_submit():
        classroom.closed = not classroom.closed
        db.session.commit()
        flash(
            _("The class is closed: nobody can join it.")
            if classroom.closed
            else _("The class is open for joining again.")
        )
    else:
        flash(str(NOTHING_CHANGED))
    return redirect(url_for("teach.overview", class_id=class_id), code=303)


@bp.get("/classes/<id:class_id>/report")
def report(class_id: int):
    classroom = classroom_or_404(class_id)

    def build():
        data = class_data(classroom)
        shares = reports.message_shares(data)
        labels = group_labels()
        return {
            "classroom": classroom,
            "data": data,
            "gain": tables.gain_table(reports.lesson_summaries(data), reports.class_gain(data), g.lang),
            "messages": tables.messages_table(shares, g.lang),
            "message_chart": charts.bar_chart(
                [(f"{s.message.number}. {localized(s.message.texts).title}", s.percent) for s in shares],
                current_app.config["MASTERY_PERCENT"],
            ),
            "groups": [tables.group_table(name, rows, labels) for name, rows in reports.group_rows(data).items()],
        }

    return render_page(reports.class_stamp(classroom), "teach/report.html", build)


@bp.get("/classes/<id:class_id>/items")
def items(class_id: int):
    classroom = classroom_or_404(class_id)
    return render_page(
        reports.class_stamp(classroom),
        "teach/items.html",
        lambda: {"classroom": classroom, "table": tables.items_table(reports.item_rows(class_data(classroom)), g.lang)},
    )


def build_table(classroom, name: str):
    data = class_data(classroom, with_marks=name in ("messages", "items"))
    if name == "overview":
        return tables.overview_table(data, reports.sort_students(data, "name", False), g.lang)
    if name == "gain":
        summaries = reports.lesson_summaries(data)
        return tables.gain_table(summaries, reports.class_gain(data), g.lang)
    if name == "messages":
        return tables.messages_table(reports.message_shares(data), g.lang)
    if name == "items":
        return tables.items_table(reports.item_rows(data), g.lang)
    field = name.removeprefix("groups-")
    return tables.group_table(field, reports.group_rows(data)[field], group_labels())


def csv_response(table, filename: str) -> Response:
    return Response(
        tables.csv_bytes(table, g.lang),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


@bp.get("/classes/<id:class_id>/<name>.csv")
def export_csv(class_id: int, name: str):
    classroom = classroom_or_404(class_id)
    if name not in CSV_TABLES:
        fail(404, _("There is no such table to export."))
    return csv_response(build_table(classroom, name), f"{classroom.join_code}-{name}-{g.lang}")


@bp.get("/classes/<id:class_id>/students/<id:membership_id>")
def student(class_id: int, membership_id: int):
    classroom = classroom_or_404(class_id)
    membership = membership_or_404(classroom, membership_id)
    history = learner_attempts(membership.user_id)
    return render_template(
        "teach/student.html",
        classroom=classroom,
        membership=membership,
        table=tables.student_table(history, g.lang),
        attempt_link=lambda attempt_id: url_for("learn.attempt", attempt_id=attempt_id),
    )


@bp.get("/classes/<id:class_id>/students/<id:membership_id>/attempts.csv")
def student_csv(class_id: int, membership_id: int):
    classroom = classroom_or_404(class_id)
    membership = membership_or_404(classroom, membership_id)
    table = tables.student_table(learner_attempts(membership.user_id), g.lang)
    return csv_response(table, f"{classroom.join_code}-student-{membership.id}-{g.lang}")


@bp.post("/classes/<id:class_id>/students/<id:membership_id>/pin")
def reset_pin(class_id: int, membership_id: int):
    classroom = classroom_or_404(class_id)
    membership = membership_or_404(classroom, membership_id)
    if not ActionForm().validate_on_submit():
        fail(400, _("This form had expired. Open the page again and try once more."))
    pin = accounts.reset_pin(membership.user)
    db.session.commit()
    return render_template("teach/new_pin.html", classroom=classroom, membership=membership, pin=pin)


@bp.get("/classes/<id:class_id>/students/<id:membership_id>/data.json")
def student_data(class_id: int, membership_id: int):
    classroom = classroom_or_404(class_id)
    membership = membership_or_404(classroom, membership_id)
    response = current_app.json.response(classes.export_student(membership.user, current_user))
    response.headers["Content-Disposition"] = f'attachment; filename="student-{membership.user_id}.json"'
    return response


@bp.route("/classes/<id:class_id>/students/<id:membership_id>/delete", methods=["GET", "POST"])
def delete_student(class_id: int, membership_id: int):
    classroom = classroom_or_404(class_id)
    membership = membership_or_404(classroom, membership_id)
    if not classes.may_delete_student(current_user, membership.user):
        fail(403, _("This student is also in another teacher's class. Ask an administrator to delete them."))
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("teach/delete_student.html", classroom=classroom, membership=membership, form=form)
    name = membership.display_name
    classes.delete_student(membership.user)
    db.session.commit()
    flash(_("%(name)s and all their results were deleted.", name=name))
    return redirect(url_for("teach.overview", class_id=class_id), code=303)
