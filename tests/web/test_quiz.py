"""Taking a quiz: the happy path, and every kind of bad input a learner or a tamperer sends."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from minequiz.extensions import db, plain_statement, statement_engine
from minequiz.models import Attempt
from tests.factories import (
    HIDDEN,
    count_rows,
    lesson_slugs,
    open_quiz,
    right_answers,
    statements_of,
    submit,
    wrong_answers,
)


@pytest.fixture
def slug(app):
    return lesson_slugs(app)[0]


def test_quiz_offers_every_question_kind_across_the_lessons(client, app):
    kinds = set()
    for lesson in lesson_slugs(app):
        kinds |= {q.kind for q in open_quiz(client, app, lesson).version.questions}
    assert kinds == {"single", "multiple", "truefalse", "order"}


def test_right_answers_give_full_score_and_feedback(client, app, slug):
    sheet = open_quiz(client, app, slug)
    response = submit(client, sheet)
    assert response.status_code == 303
    result = client.get(response.headers["Location"])
    page = result.get_data(as_text=True)
    assert result.status_code == 200
    assert "100%" in page
    assert page.count('class="right"') == len(sheet.version.questions)
    for question in sheet.version.questions:
        assert question.texts["en"].explanation in page


def test_wrong_answers_show_the_right_answer_and_the_safety_message(client, app, slug):
    sheet = open_quiz(client, app, slug, lang="nb")
    response = submit(client, sheet, lang="nb", answers=wrong_answers(sheet.version))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Riktig svar" in page and "Ikke riktig" in page
    assert "Ikke mestret ennå" in page
    checked = [q for q in sheet.version.questions if q.message is not None]
    assert checked, "the first lesson checks safety messages"
    for question in checked:
        assert f"Sikkerhetsbudskap {question.message.number}: {question.message.texts['nb'].title}" in page
    right_choice = next(c for q in sheet.version.questions for c in q.choices if c.correct and q.kind != "order")
    assert right_choice.texts["nb"].text in page


def test_result_can_be_read_in_the_other_language(client, app, slug):
    sheet = open_quiz(client, app, slug, lang="nb")
    location = submit(client, sheet, lang="nb").headers["Location"]
    english = client.get(location.replace("/nb/", "/en/")).get_data(as_text=True)
    assert sheet.version.questions[0].texts["en"].prompt in english


def test_missing_answer_is_asked_for_and_nothing_is_stored(client, app, slug):
    sheet = open_quiz(client, app, slug, lang="nb")
    answers = right_answers(sheet.version)
    first = sheet.version.questions[0]
    for name in [k for k in answers if k == f"q{first.id}" or k.startswith(f"q{first.id}-")]:
        del answers[name]
    response = submit(client, sheet, lang="nb", answers=answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Noen svar må ses på" in page
    assert count_rows(app) == (0, 0)
    # The answers already given are kept on the page.
    second = sheet.version.questions[1]
    kept = [c for c in second.choices if c.correct][0] if second.kind != "order" else None
    if kept is not None:
        assert re.search(rf'<input checked [^>]*value="{kept.id}"', page)


def test_tampered_choice_id_is_refused(client, app, slug):
    sheet = open_quiz(client, app, slug)
    question = next(q for q in sheet.version.questions if q.kind == "single")
    response = submit(client, sheet, **{f"q{question.id}": "999999"})
    assert response.status_code == 422
    assert "This answer is not one of the choices" in response.get_data(as_text=True)
    assert count_rows(app) == (0, 0)


def test_choice_of_another_question_is_refused(client, app, slug):
    sheet = open_quiz(client, app, slug)
    first, second = sheet.version.questions[:2]
    response = submit(client, sheet, **{f"q{first.id}": str(second.choices[0].id)})
    assert response.status_code == 422
    assert count_rows(app) == (0, 0)


def test_order_with_a_number_used_twice_is_refused(client, app):
    for lesson in lesson_slugs(app):
        sheet = open_quiz(client, app, lesson)
        question = next((q for q in sheet.version.questions if q.kind == "order"), None)
        if question:
            break
    answers = right_answers(sheet.version)
    answers.update({f"q{question.id}-{c.id}": "1" for c in question.choices})
    response = submit(client, sheet, answers=answers)
    assert response.status_code == 422
    assert "Give each step a different number" in response.get_data(as_text=True)
    answers.update({f"q{question.id}-{question.choices[0].id}": "banana"})
    assert submit(client, sheet, answers=answers).status_code == 422
    assert count_rows(app) == (0, 0)


def test_question_from_another_quiz_is_refused(client, app):
    first, second = lesson_slugs(app)[:2]
    sheet = open_quiz(client, app, first)
    other = open_quiz(client, app, second)
    answers = right_answers(sheet.version) | right_answers(other.version)
    response = submit(client, sheet, lang="nb", answers=answers)
    assert response.status_code == 400
    assert "spørsmål fra en annen quiz" in response.get_data(as_text=True)
    assert count_rows(app) == (0, 0)


def test_answer_sheet_posted_to_another_lesson_is_refused(client, app):
    first, second = lesson_slugs(app)[:2]
    sheet = open_quiz(client, app, first)
    response = client.post(f"/en/lessons/{second}/quiz", data=sheet.form())
    assert response.status_code == 400
    assert count_rows(app) == (0, 0)


@pytest.mark.parametrize("ticket", ["", "garbage", "eyJ2IjoxfQ.forged.signature"])
def test_missing_or_forged_ticket_is_refused(client, app, slug, ticket):
    sheet = open_quiz(client, app, slug)
    response = submit(client, sheet, lang="nb", ticket=ticket)
    assert response.status_code == 400
    assert "Quizskjemaet er endret eller ufullstendig" in response.get_data(as_text=True)
    assert count_rows(app) == (0, 0)


@pytest.mark.parametrize("csrf", ["", "stale-or-made-up-token"])
def test_missing_or_stale_csrf_token_keeps_the_answers(client, app, slug, csrf):
    sheet = open_quiz(client, app, slug, lang="nb")
    response = submit(client, sheet, lang="nb", csrf_token=csrf)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Siden var utløpt" in page
    assert count_rows(app) == (0, 0)
    assert page.count(" checked ") >= 1
    # The page carries a fresh form that can be sent as it is.
    fresh = HIDDEN.findall(page)
    data = dict(fresh) | right_answers(sheet.version)
    assert client.post(f"/nb/lessons/{slug}/quiz", data=data).status_code == 303
    assert count_rows(app)[0] == 1


def test_csrf_token_of_another_session_is_refused(app, slug):
    first, second = app.test_client(), app.test_client()
    sheet = open_quiz(first, app, slug)
    open_quiz(second, app, slug)
    response = submit(second, sheet)
    assert response.status_code == 400
    assert count_rows(app) == (0, 0)


def test_a_quiz_page_served_again_carries_its_own_tokens(app, slug):
    """The page is kept once rendered; every learner still gets a ticket and a form token
    of their own, and each sheet counts once."""
    first, second = app.test_client(), app.test_client()
    sheets = [open_quiz(first, app, slug), open_quiz(first, app, slug), open_quiz(second, app, slug)]
    assert len({sheet.ticket for sheet in sheets}) == 3
    assert sheets[2].csrf_token != sheets[0].csrf_token
    pages = [first.get(f"/en/lessons/{slug}/quiz").get_data(as_text=True) for _ in range(2)]
    assert HIDDEN.sub("", pages[0]) == HIDDEN.sub("", pages[1]) and pages[0] != pages[1]
    assert [
        submit(client, sheet).status_code for client, sheet in zip((first, first, second), sheets, strict=True)
    ] == [303] * 3
    assert count_rows(app)[0] == 3


def test_double_submit_stores_exactly_one_attempt(client, app, slug):
    sheet = open_quiz(client, app, slug, lang="nb")
    first = submit(client, sheet, lang="nb")
    second = submit(client, sheet, lang="nb")
    assert first.status_code == 303
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Disse svarene er allerede sendt" in page
    assert f'href="{first.headers["Location"]}"' in page
    attempts, responses = count_rows(app)
    assert attempts == 1 and responses == len(sheet.version.questions)


def test_a_form_sent_twice_keeps_its_database_connection(client, app, slug):
    """The second copy is refused by the database (its token is unique); the connection
    it was refused on is sound and stays in the pool rather than being closed."""
    sheet = open_quiz(client, app, slug)
    assert submit(client, sheet).status_code == 303
    with app.app_context():
        engines = {db.engine, statement_engine(db.engine)}  # (one on SQLite)
    dropped = []

    def on_invalidate(dbapi_connection, record, exception):
        dropped.append(exception)

    for engine in engines:
        event.listen(engine, "invalidate", on_invalidate)
    try:
        assert submit(client, sheet).status_code == 409
    finally:
        for engine in engines:
            event.remove(engine, "invalidate", on_invalidate)
    assert dropped == []


def test_back_then_submit_again_with_other_answers_changes_nothing(client, app, slug):
    sheet = open_quiz(client, app, slug)
    location = submit(client, sheet).headers["Location"]
    client.get(location)
    again = submit(client, sheet, answers=wrong_answers(sheet.version))
    assert again.status_code == 409
    with app.app_context():
        assert [a.percent for a in db.session.scalars(db.select(Attempt))] == [100.0]


def test_attempt_and_responses_are_written_together_or_not_at_all(client, app, slug, monkeypatch):
    from minequiz.services import attempts

    def broken_scoring(kind, choices, answer):
        raise RuntimeError("disk full")

    monkeypatch.setattr(attempts, "score_answer", broken_scoring)
    sheet = open_quiz(client, app, slug, lang="nb")
    response = submit(client, sheet, lang="nb")
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.get_data(as_text=True)
    assert count_rows(app) == (0, 0)


def test_a_known_learners_attempt_is_stored_whole_or_not_at_all(client, app, slug, monkeypatch):
    """A learner who has sent a quiz before: their next attempt is written on its own (on
    PostgreSQL as one statement). If the database refuses one response, nothing is kept."""
    from minequiz.services import attempts

    first = open_quiz(client, app, slug)
    assert submit(client, first).status_code == 303
    real_record = attempts.record_attempt

    def with_one_response_twice(user_id, version, ticket, answers, locale):
        questions = [*version.questions, version.questions[0]]  # (attempt, question) is unique
        twice = SimpleNamespace(id=version.id, lesson_id=version.lesson_id, questions=questions)
        return real_record(user_id, twice, ticket, answers, locale)

    monkeypatch.setattr(attempts, "record_attempt", with_one_response_twice)
    response = submit(client, open_quiz(client, app, slug, lang="nb"), lang="nb")
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.get_data(as_text=True)
    assert count_rows(app) == (1, len(first.version.questions))


def test_a_known_learners_submit_asks_the_database_as_little_as_it_can(client, app, slug):
    """Who is sending, then the attempt with its responses: on PostgreSQL one statement
    on the driver's cursor that is its own transaction (no BEGIN or COMMIT to wait for),
    on SQLite two inserts in the session's transaction. A pre-test too."""
    other = next(other for other in lesson_slugs(app) if other != slug)
    assert submit(client, open_quiz(client, app, other)).status_code == 303
    with app.app_context():
        engine = db.engine
    postgres = engine.dialect.name == "postgresql"
    plain, commits = [], []

    def on_plain(_engine, statement, parameters):
        plain.append(statement)

    def on_commit(connection):
        commits.append(connection)

    for pre in (True, False):  # a pre-test first: the learner has not taken this quiz yet
        sheet = open_quiz(client, app, slug, pre=pre)
        plain.clear()
        commits.clear()
        event.listen(engine, "commit", on_commit)
        plain_statement.connect(on_plain)
        try:
            statements = statements_of(app, lambda sheet=sheet: submit(client, sheet), expect=303)
        finally:
            event.remove(engine, "commit", on_commit)
            plain_statement.disconnect(on_plain)
        writes = [statement for statement in statements if "INSERT" in statement]
        # (The reader, and for a pre-test whether it is the first attempt at the lesson.)
        assert len(statements) == (2 if postgres else 3) + pre, statements
        assert len(writes) == (1 if postgres else 2)
        assert [w for w in writes if w in plain] == (writes if postgres else [])
        assert len(commits) == (0 if postgres else 1)
    with app.app_context():
        assert sorted(a.kind for a in db.session.scalars(db.select(Attempt))) == ["post", "post", "pre"]


def test_failure_after_the_attempt_row_rolls_everything_back(client, app, slug, monkeypatch):
    from minequiz.extensions import db as database

    real_commit = database.session.commit

    def failing_commit():
        database.session.flush()
        raise RuntimeError("connection lost")

    monkeypatch.setattr(database.session, "commit", failing_commit)
    sheet = open_quiz(client, app, slug)
    assert submit(client, sheet).status_code == 500
    monkeypatch.setattr(database.session, "commit", real_commit)
    assert count_rows(app) == (0, 0)


def test_someone_elses_result_is_not_shown(app, slug):
    owner, stranger = app.test_client(), app.test_client()
    sheet = open_quiz(owner, app, slug)
    location = submit(owner, sheet).headers["Location"]
    assert owner.get(location).status_code == 200
    response = stranger.get(location)
    assert response.status_code == 404
    assert "There is no result of yours at this address" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/en/attempts/999999", "/nb/attempts/abc", "/en/attempts/-1"])
def test_unknown_result_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_quiz_without_answers_at_all_is_asked_again(client, app, slug):
    sheet = open_quiz(client, app, slug)
    response = client.post(f"/en/lessons/{slug}/quiz", data={"csrf_token": sheet.csrf_token, "ticket": sheet.ticket})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('class="field-error"') == len(sheet.version.questions)
    assert count_rows(app) == (0, 0)


def test_a_form_sent_again_is_refused_by_the_store_and_keeps_the_learner(client, app, slug, monkeypatch):
    from minequiz.services import attempts

    sheet = open_quiz(client, app, slug)
    location = submit(client, sheet).headers["Location"]
    looked_up = []
    real_find = attempts.find_by_token
    monkeypatch.setattr(attempts, "find_by_token", lambda token: looked_up.append(token) or real_find(token))
    response = submit(client, sheet)
    # A valid form is not looked up first (as when the other post is not committed yet):
    # the unique token makes storing it fail, and that failure finds the first attempt.
    assert len(looked_up) == 1
    assert response.status_code == 409
    assert f'href="{location}"' in response.get_data(as_text=True)
    assert count_rows(app)[0] == 1
    assert client.get(location).status_code == 200


def test_second_post_in_flight_from_a_new_learner_leaves_no_ghost_login(app, slug):
    from minequiz.models import User

    first = app.test_client()
    sheet = open_quiz(first, app, slug)
    cookie_before_sending = first.get_cookie("session").value
    assert submit(first, sheet).status_code == 303
    second = app.test_client()  # the same browser's second post, sent before the first answered
    second.set_cookie("session", cookie_before_sending)
    response = submit(second, sheet)
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    remember = second.get_cookie("remember_token")
    assert remember is None or not remember.value


@pytest.mark.parametrize(
    "path", ["/en/attempts/99999999999999999999999999", "/en/attempts/9223372036854775808", "/en/attempts/0"]
)
def test_absurd_result_ids_are_a_404(client, path):
    assert client.get(path).status_code == 404


def test_error_summary_names_the_question_left_out(client, app, slug):
    sheet = open_quiz(client, app, slug)
    answers = right_answers(sheet.version)
    fifth = sheet.version.questions[4]
    for name in [k for k in answers if k == f"q{fifth.id}" or k.startswith(f"q{fifth.id}-")]:
        del answers[name]
    page = submit(client, sheet, answers=answers).get_data(as_text=True)
    assert re.search(r'<li><a href="#q\d+">Question 5: ', page)
    assert "Question 1: " not in page


def test_expired_form_shows_no_empty_error_list(client, app, slug):
    sheet = open_quiz(client, app, slug)
    page = submit(client, sheet, csrf_token="expired").get_data(as_text=True)
    assert "This page had expired" in page
    assert "error-summary" not in page


@pytest.mark.parametrize("kind", ["single", "multiple", "order"])
def test_repeated_values_are_refused(client, app, kind):
    for lesson in lesson_slugs(app):
        sheet = open_quiz(client, app, lesson)
        question = next((q for q in sheet.version.questions if q.kind == kind), None)
        if question:
            break
    answers = right_answers(sheet.version)
    if kind == "single":
        answers[f"q{question.id}"] = [str(c.id) for c in question.choices][:2]
    elif kind == "multiple":
        right = answers[f"q{question.id}"]
        answers[f"q{question.id}"] = right + right[:1]
    else:
        key = f"q{question.id}-{question.choices[0].id}"
        answers[key] = [answers[key], answers[key]]
    assert submit(client, sheet, answers=answers).status_code == 422
    assert count_rows(app) == (0, 0)


def test_form_resent_after_expiry_still_counts_once(client, app, slug):
    sheet = open_quiz(client, app, slug)
    page = submit(client, sheet, csrf_token="expired").get_data(as_text=True)
    fresh = dict(HIDDEN.findall(page))
    assert fresh["ticket"] == sheet.ticket
    assert client.post(f"/en/lessons/{slug}/quiz", data=fresh | right_answers(sheet.version)).status_code == 303
    again = open_quiz(client, app, slug)
    assert submit(client, again, ticket=sheet.ticket).status_code == 409
    assert count_rows(app)[0] == 1


def test_answers_have_their_own_address_and_the_quiz_page_survives_back(client, app, slug):
    page = client.get(f"/en/lessons/{slug}/quiz")
    assert f'action="/en/lessons/{slug}/quiz/answers"' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, max-age=0"
    assert "Cookie" not in page.headers.get("Vary", "")
