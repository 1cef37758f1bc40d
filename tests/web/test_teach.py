"""The teacher's view: class overview, reports, charts, CSV exports and privacy."""

import csv
import html
import io
import json
import re

import pytest

from minequiz.extensions import db
from minequiz.models import Attempt, Membership, Response, User
from tests.factories import (
    count_queries,
    create_class,
    csrf_of,
    join,
    lesson_slugs,
    log_in_staff,
    make_staff,
    open_quiz,
    right_answers,
    seed_class,
    submit,
    wrong_answers,
)


@pytest.fixture
def class_with_students(app, teacher):
    """Three students: Ali pre-test 0% then 100%; Bea 100% once; Cato joined, not started."""
    class_id, code = create_class(teacher, "Klasse 5B")
    slug = lesson_slugs(app)[0]
    ali, bea, cato = app.test_client(), app.test_client(), app.test_client()
    join(ali, code, "Ali", gender="male")
    join(bea, code, "Bea", gender="female")
    join(cato, code, "Cato")
    pre = open_quiz(ali, app, slug, pre=True)
    submit(ali, pre, answers=wrong_answers(pre.version))
    submit(ali, open_quiz(ali, app, slug))
    submit(bea, open_quiz(bea, app, slug))
    return class_id


def table_cells(page: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table class="report" id="{re.escape(table_id)}">(.*?)</table>', page, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


def csv_rows(response, delimiter: str) -> list[list[str]]:
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark lets Excel read æ, ø and å"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


def test_overview_shows_students_by_lessons_with_class_average_and_not_started(teacher, class_with_students):
    page = teacher.get(f"/en/teach/classes/{class_with_students}").get_data(as_text=True)
    rows = table_cells(page, "overview")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ali"][1] == "100% 2 attempts Mastered"
    assert by_name["Bea"][1] == "100% 1 attempt Mastered"
    assert by_name["Cato"][1] == "Not started"
    assert by_name["Class average"][1] == "100%"
    assert "Not started yet: Cato" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "<svg viewBox" in page and "The figures as a table" in page


def test_overview_sorts_by_a_lesson_with_unstarted_students_last(app, teacher, class_with_students):
    slug = lesson_slugs(app)[0]
    ascending = teacher.get(f"/en/teach/classes/{class_with_students}?sort={slug}&order=asc").get_data(as_text=True)
    names = [row[0] for row in table_cells(ascending, "overview")[1:-1]]
    assert names[-1] == "Cato"
    by_name = teacher.get(f"/en/teach/classes/{class_with_students}?sort=name&order=desc").get_data(as_text=True)
    assert [row[0] for row in table_cells(by_name, "overview")[1:-1]] == ["Cato", "Bea", "Ali"]
    assert teacher.get(f"/en/teach/classes/{class_with_students}?sort=<script>&order=x").status_code == 200


def test_gain_report_gives_each_figure_with_its_number_of_students(app, teacher, class_with_students):
    page = teacher.get(f"/en/teach/classes/{class_with_students}/report").get_data(as_text=True)
    first_lesson = table_cells(page, "gain")[1]
    assert first_lesson[1:] == ["0%", "1", "100%", "2", "+100 percentage points", "1"]


def test_safety_messages_are_listed_worst_first(app, teacher):
    class_id, code = create_class(teacher, "Messages")
    slug = lesson_slugs(app)[0]
    student = app.test_client()
    join(student, code, "Ali")
    sheet = open_quiz(student, app, slug)
    answers = right_answers(sheet.version)
    wrong_question = next(q for q in sheet.version.questions if q.message is not None and q.kind == "single")
    answers[f"q{wrong_question.id}"] = [str(c.id) for c in wrong_question.choices if not c.correct][:1]
    submit(student, sheet, answers=answers)
    page = teacher.get(f"/en/teach/classes/{class_id}/report").get_data(as_text=True)
    rows = table_cells(page, "messages")[1:]
    assert rows[0][0].startswith(f"Safety message {wrong_question.message.number}:")
    percents = [int(r[1].rstrip("%")) for r in rows if r[1] != "–"]
    assert percents == sorted(percents) and percents[0] < 100


def test_item_statistics_follow_moodle(app, teacher):
    with app.app_context():
        teacher_id = db.session.scalar(db.select(User.id).where(User.username == "tina"))
    class_id = seed_class(app, teacher_id, students=25, attempts_each=1)
    page = teacher.get(f"/en/teach/classes/{class_id}/items").get_data(as_text=True)
    rows = table_cells(page, "items")[1:]
    assert rows, "questions of the lesson answered are listed"
    with app.app_context():
        attempts = db.session.scalars(db.select(Attempt)).all()
        question_id = db.session.scalar(db.select(Response.question_id).order_by(Response.id))
        marks = [next(r.mark for r in a.responses if r.question_id == question_id) for a in attempts]
    facility = round(100 * sum(marks) / len(marks))
    assert rows[0][3] == f"{facility}%"
    assert rows[0][5] == "25" and rows[0][6] == ""


def test_small_groups_are_hidden_by_profile(app, teacher, class_with_students):
    page = teacher.get(f"/nb/teach/classes/{class_with_students}/report").get_data(as_text=True)
    rows = table_cells(page, "groups-gender")[1:]
    assert rows and all("Skjult: færre enn 5" in row[1] for row in rows)


def test_groups_of_five_are_shown_and_a_lone_small_group_takes_the_next_with_it(app, teacher):
    class_id, code = create_class(teacher, "Groups")
    for number, gender in enumerate(["female"] * 6 + ["male"] * 5 + ["other"] * 2):
        assert join(app.test_client(), code, f"Student {number}", gender=gender).status_code == 303
    page = teacher.get(f"/en/teach/classes/{class_id}/report").get_data(as_text=True)
    rows = {row[0]: row[1] for row in table_cells(page, "groups-gender")[1:]}
    assert rows["Female"] == "6"
    assert rows["Other"] == "Hidden: fewer than 5"
    # "Other" alone could be worked out from the class total, so "Male" is hidden with it.
    assert rows["Male"] == "Hidden to protect a smaller group"


SCORE_CELL = re.compile(r"(\d+)\s?% (\d+) (?:attempts?|forsøk)( Mastered| Mestret)?")
NOT_STARTED = ("Not started", "Ikke startet")


def expected_csv_cells(cells: list[str], lesson_columns: set[int]) -> list[str]:
    """What the CSV should hold for cells as shown on screen: the same numbers, no units;
    a lesson column is three in the file (best, attempts, mastered)."""
    expected = []
    for index, cell in enumerate(cells):
        score = SCORE_CELL.fullmatch(cell)
        if score:
            expected += [score.group(1), score.group(2), "Yes" if score.group(3) else "No"]
            continue
        if cell in NOT_STARTED:
            expected += ["", "0", "No"]
            continue
        if cell == "–":
            expected.append("")
        elif re.fullmatch(r"[+−-]?\d+(\s?%| percentage points| prosentpoeng)?", cell):
            expected.append(re.match(r"[+−-]?\d+", cell).group(0).replace("−", "-"))
        else:
            expected.append(cell)
        if index in lesson_columns:
            expected += ["", ""]
    return expected


@pytest.mark.parametrize(("lang", "delimiter"), [("nb", ";"), ("en", ",")])
@pytest.mark.parametrize(
    ("name", "page"),
    [("overview", ""), ("gain", "/report"), ("messages", "/report"), ("items", "/items"), ("groups-gender", "/report")],
)
def test_csv_exports_match_the_screen(app, teacher, class_with_students, lang, delimiter, name, page):
    screen = table_cells(teacher.get(f"/{lang}/teach/classes/{class_with_students}{page}").get_data(as_text=True), name)
    response = teacher.get(f"/{lang}/teach/classes/{class_with_students}/{name}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = csv_rows(response, delimiter)
    assert len(rows) == len(screen) > 1
    yes_no = {"Yes": "Ja", "No": "Nei"} if lang == "nb" else {}
    lesson_columns = {i for row in screen[1:] for i, c in enumerate(row) if SCORE_CELL.fullmatch(c) or c in NOT_STARTED}
    for shown, exported in zip(screen[1:], rows[1:], strict=True):
        assert exported == [yes_no.get(c, c) for c in expected_csv_cells(shown, lesson_columns)]


def test_csv_keeps_norwegian_letters(teacher, class_with_students):
    rows = csv_rows(teacher.get(f"/nb/teach/classes/{class_with_students}/overview.csv"), ";")
    assert rows[0][0] == "Elev"
    assert any("å" in cell or "ø" in cell or "æ" in cell for cell in rows[0])


def test_teacher_opens_a_students_result_as_the_student_saw_it(app, teacher, class_with_students):
    with app.app_context():
        membership = db.session.scalar(db.select(Membership).where(Membership.display_name == "Ali"))
        first = db.session.scalar(db.select(Attempt).where(Attempt.user_id == membership.user_id).order_by(Attempt.id))
    page = teacher.get(f"/en/teach/classes/{class_with_students}/students/{membership.id}").get_data(as_text=True)
    assert f'href="/en/attempts/{first.id}"' in page
    result = teacher.get(f"/en/attempts/{first.id}")
    assert result.status_code == 200 and "0%" in result.get_data(as_text=True)


def test_export_all_data_of_a_student(app, teacher, class_with_students):
    with app.app_context():
        membership = db.session.scalar(db.select(Membership).where(Membership.display_name == "Ali"))
    path = f"/en/teach/classes/{class_with_students}/students/{membership.id}/data.json"
    data = json.loads(teacher.get(path).data)
    assert data["student"]["display_name"] == "Ali"
    assert [c["class"] for c in data["classes"]] == ["Klasse 5B"]
    assert [a["kind"] for a in data["attempts"]] == ["pre", "post"]
    assert all(len(a["responses"]) >= 5 for a in data["attempts"])
    # The self-reported profile is for groups of five or more, never one named student.
    assert "gender" not in data["student"]
    make_staff(app, "root", role="admin")
    admin = app.test_client()
    log_in_staff(admin, "root")
    assert json.loads(admin.get(path).data)["student"]["gender"] == "male"


def test_delete_a_student_with_all_their_attempts(app, teacher, class_with_students):
    with app.app_context():
        membership = db.session.scalar(db.select(Membership).where(Membership.display_name == "Ali"))
        user_id = membership.user_id
    path = f"/en/teach/classes/{class_with_students}/students/{membership.id}/delete"
    assert "cannot be undone" in teacher.get(path).get_data(as_text=True)
    assert teacher.post(path, data={"csrf_token": csrf_of(teacher, path)}).status_code == 303
    with app.app_context():
        assert db.session.get(User, user_id) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(Attempt).where(Attempt.user_id == user_id)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 6  # Bea's
    page = teacher.get(f"/en/teach/classes/{class_with_students}").get_data(as_text=True)
    assert "Ali" not in [row[0] for row in table_cells(page, "overview")]


def test_new_code_replaces_the_old_one(app, teacher):
    class_id, code = create_class(teacher, "Codes")
    path = f"/en/teach/classes/{class_id}"
    teacher.post(f"{path}/code", data={"csrf_token": csrf_of(teacher, path)})
    assert join(app.test_client(), code, "Ali").status_code == 409
    page = teacher.get(path).get_data(as_text=True)
    new_code = re.search(r'class="code-text big">([A-Z0-9]{6})<', page).group(1)
    assert new_code != code and join(app.test_client(), new_code, "Ali").status_code == 303


def test_class_name_is_required(teacher):
    token = csrf_of(teacher, "/nb/teach/")
    response = teacher.post("/nb/teach/", data={"csrf_token": token, "name": ""})
    assert response.status_code == 422 and "Gi klassen et navn." in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["", "/report", "/items", "/overview.csv", "/items.csv"])
def test_class_reports_run_the_same_number_of_queries_for_5_and_200_students(app, teacher, page):
    with app.app_context():
        teacher_id = db.session.scalar(db.select(User.id).where(User.username == "tina"))
    small = seed_class(app, teacher_id, students=5, attempts_each=3, name="Small", seed=1)
    large = seed_class(app, teacher_id, students=200, attempts_each=3, name="Large", seed=2)
    assert count_queries(app, teacher, f"/en/teach/classes/{small}{page}") == count_queries(
        app, teacher, f"/en/teach/classes/{large}{page}"
    )


def test_csv_never_carries_a_spreadsheet_formula(app, teacher):
    class_id, code = create_class(teacher, "Formulas")
    join(app.test_client(), code, '=HYPERLINK("http://example.invalid","x")')
    join(app.test_client(), code, "+cmd|' /C calc'!A0")
    rows = csv_rows(teacher.get(f"/en/teach/classes/{class_id}/overview.csv"), ",")
    names = [row[0] for row in rows[1:-1]]
    assert sorted(names) == sorted(["'+cmd|' /C calc'!A0", '\'=HYPERLINK("http://example.invalid","x")'])


@pytest.mark.parametrize("query", ["?_method=POST", "?class_id=abc", "?lang=xx&sort=name"])
def test_odd_query_strings_still_give_the_page(teacher, class_with_students, query):
    assert teacher.get(f"/en/teach/classes/{class_with_students}{query}").status_code == 200


@pytest.mark.parametrize("name", ["   ", "\u200b", "x" * 121])
def test_class_needs_a_visible_name(teacher, name):
    token = csrf_of(teacher, "/en/teach/")
    assert teacher.post("/en/teach/", data={"csrf_token": token, "name": name}).status_code == 422


def test_an_expired_button_says_nothing_changed(teacher, class_with_students):
    response = teacher.post(f"/nb/teach/classes/{class_with_students}/code", follow_redirects=True)
    assert "Siden var utløpt, så ingenting ble endret." in response.get_data(as_text=True)


def test_overview_csv_puts_the_class_average_under_each_lessons_best_column(teacher, class_with_students):
    rows = csv_rows(teacher.get(f"/en/teach/classes/{class_with_students}/overview.csv"), ",")
    header, footer = rows[0], rows[-1]
    assert len(footer) == len(header)
    assert footer[header.index(next(h for h in header if h.endswith(": Best (%)")))] == "100"


def test_a_mean_of_fewer_than_five_students_is_hidden_even_in_a_group_of_five(app, teacher):
    class_id, code = create_class(teacher, "Means")
    slug = lesson_slugs(app)[0]
    for number in range(10):
        student = app.test_client()
        disability = "yes" if number < 5 else "no"
        assert join(student, code, f"Student {number}", disability=disability).status_code == 303
        # One student in the first group has a score; everyone in the second has one.
        if number in (0, 5, 6, 7, 8, 9):
            assert submit(student, open_quiz(student, app, slug)).status_code == 303
    rows = {
        row[0]: row[1:]
        for row in table_cells(
            teacher.get(f"/en/teach/classes/{class_id}/report").get_data(as_text=True), "groups-disability"
        )[1:]
    }
    assert rows["Yes"][0] == "5" and rows["No"][0] == "5"
    # "Yes" would be one student's score; "No", five of the six, would tell whose it is.
    assert rows["Yes"][1] == "–" and rows["No"][1] == "–"  # (nobody took a test before reading: no gains)


def test_a_hidden_group_row_never_tells_that_someone_gave_that_answer(app, teacher):
    class_id, code = create_class(teacher, "Profiles")
    report = f"/en/teach/classes/{class_id}/report"
    before = table_cells(teacher.get(report).get_data(as_text=True), "groups-disability")
    join(app.test_client(), code, "Dina", disability="yes")
    after = table_cells(teacher.get(report).get_data(as_text=True), "groups-disability")
    assert [row[:2] for row in before] == [row[:2] for row in after]
    assert [row[0] for row in after[1:]] == ["Yes", "No", "Not given"]


def test_staff_pages_are_never_kept_by_the_browser(teacher, class_with_students):
    for path in (
        "/en/teach/",
        f"/en/teach/classes/{class_with_students}",
        f"/en/teach/classes/{class_with_students}/report",
    ):
        assert teacher.get(path).headers["Cache-Control"] == "no-store"


def test_a_teacher_sees_the_name_a_student_has_in_their_own_class(app, teacher, class_with_students):
    other = app.test_client()
    make_staff(app, "tom")
    log_in_staff(other, "tom")
    _other_id, other_code = create_class(other, "Tom's class")
    with app.app_context():
        ali = db.session.scalar(db.select(Membership).where(Membership.display_name == "Ali"))
        attempt_id = db.session.scalar(db.select(Attempt.id).where(Attempt.user_id == ali.user_id))
        user = db.session.get(User, ali.user_id)
        from minequiz.services import accounts

        accounts.join_class(other_code, "Alibaba", "4321", user, {})
        db.session.commit()
    page = teacher.get(f"/en/attempts/{attempt_id}").get_data(as_text=True)
    assert "The result of Ali, as they saw it." in page
    assert "Alibaba" not in page
    with app.app_context():
        tom_membership = db.session.scalar(db.select(Membership).where(Membership.display_name == "Alibaba"))
        path = f"/en/teach/classes/{tom_membership.classroom_id}/students/{tom_membership.id}/data.json"
    exported = other.get(path).get_json()
    assert exported["student"]["display_name"] == "Alibaba"
    assert "Ali" not in {c["name_in_class"] for c in exported["classes"]} | {exported["student"]["display_name"]}
    # Logging in to Tom's class greets them as they are named there; joining it again too.
    device = app.test_client()
    token = csrf_of(device, "/en/login")
    response = device.post(
        "/en/login/student",
        data={"csrf_token": token, "code": other_code, "name": "Alibaba", "pin": "4321"},
        follow_redirects=True,
    )
    assert "Welcome back, Alibaba." in response.get_data(as_text=True)
    again = join(device, other_code, "Someone", "4321")
    assert "You are already in this class as Alibaba." in html.unescape(again.get_data(as_text=True))


@pytest.mark.parametrize("page", ["", "/report", "/items", "/overview.csv", "/items.csv", "/messages.csv"])
def test_class_pages_work_after_a_lesson_with_answers_is_unpublished(app, teacher, page):
    from minequiz.models import Lesson

    with app.app_context():
        teacher_id = db.session.scalar(db.select(User.id).where(User.username == "tina"))
    class_id = seed_class(app, teacher_id, students=6, attempts_each=6)
    with app.app_context():
        db.session.scalar(db.select(Lesson).order_by(Lesson.position)).published_version_id = None
        db.session.commit()
    assert teacher.get(f"/en/teach/classes/{class_id}{page}").status_code == 200


def test_a_kept_class_report_changes_with_a_new_attempt_and_a_new_profile(app, teacher):
    from tests.factories import create_class, join, lesson_slugs, open_quiz, submit

    class_id, code = create_class(teacher)
    other_id, other_code = create_class(teacher, "Class 6A")
    students = [app.test_client() for _ in range(6)]
    for number, student in enumerate(students):
        assert join(student, code, f"Student {number}", age_group="12-17").status_code == 303
    before = teacher.get(f"/en/teach/classes/{class_id}/report").get_data(as_text=True)
    assert teacher.get(f"/en/teach/classes/{class_id}/report").get_data(as_text=True) == before
    slug = lesson_slugs(app)[0]
    submit(students[0], open_quiz(students[0], app, slug))
    after_attempt = teacher.get(f"/en/teach/classes/{class_id}/report").get_data(as_text=True)
    assert after_attempt != before
    # A student of this class joins another class and gives another age group there.
    assert join(students[1], other_code, "Student 1", age_group="18-59").status_code == 303
    assert teacher.get(f"/en/teach/classes/{class_id}/report").get_data(as_text=True) != after_attempt


def test_a_student_deleted_and_a_new_one_with_the_same_ids_see_their_own_pages(app, teacher):
    """SQLite gives the ids of the newest rows out again once they are deleted: a new student
    who gets a deleted one's user and attempt ids must not be served that one's pages."""
    from tests.factories import open_quiz, submit, wrong_answers

    class_id, code = create_class(teacher)
    slug = lesson_slugs(app)[0]
    report = f"/en/teach/classes/{class_id}/report"
    first = app.test_client()
    assert join(first, code, "Ali", "1234").status_code == 303
    sheet = open_quiz(first, app, slug)
    submit(first, sheet, answers=wrong_answers(sheet.version))
    kept = {path: first.get(path).get_data(as_text=True) for path in ("/en/", "/en/progress")}
    kept_report = teacher.get(report).get_data(as_text=True)
    with app.app_context():
        old_ids = db.session.execute(db.select(User.id, Attempt.id).join(Attempt, Attempt.user_id == User.id)).one()
        membership_id = db.session.scalar(db.select(Membership.id).where(Membership.classroom_id == class_id))
    delete = f"/en/teach/classes/{class_id}/students/{membership_id}/delete"
    deleted = teacher.post(delete, data={"csrf_token": csrf_of(teacher, delete)})
    teacher.get(deleted.headers["Location"])  # shows the flashed message, as a browser would

    second = app.test_client()
    assert join(second, code, "Ali", "9999").status_code == 303
    submit(second, open_quiz(second, app, slug))  # every answer right this time
    with app.app_context():
        new_ids = db.session.execute(db.select(User.id, Attempt.id).join(Attempt, Attempt.user_id == User.id)).one()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert tuple(new_ids) == tuple(old_ids)  # the case this test is about
    for path, old in kept.items():
        page = second.get(path).get_data(as_text=True)
        figures = re.findall(r"(?<![\d.])\d+%", page)
        assert page != old and "100%" in figures and "0%" not in figures
    assert teacher.get(report).get_data(as_text=True) != kept_report
