"""Accounts: the admin CLI, staff login and logout, joining a class, student login, PINs."""

import re

import pytest

from minequiz.extensions import db
from minequiz.models import Attempt, Classroom, Membership, User
from tests.factories import (
    create_class,
    csrf_of,
    join,
    lesson_slugs,
    log_in_staff,
    make_staff,
    open_quiz,
    submit,
)


@pytest.fixture
def class_code(teacher):
    return create_class(teacher, "5B Ærlighet")[1]


def student_login(client, code, name, pin, lang="en"):
    token = csrf_of(client, f"/{lang}/login")
    return client.post(f"/{lang}/login/student", data={"csrf_token": token, "code": code, "name": name, "pin": pin})


def test_cli_creates_an_admin_asking_the_password_twice(runner, app):
    result = runner.invoke(args=["user", "create", "Ada", "--role", "admin"], input="a long secret\na long secret\n")
    assert result.exit_code == 0, result.output
    assert "a long secret" not in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "ada"))
        assert user.role == "admin" and user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_cli_refuses_mismatched_short_and_duplicate_passwords(runner):
    mismatch = runner.invoke(args=["user", "create", "bo", "--role", "teacher"], input="first secret!\nsecond secret\n")
    assert mismatch.exit_code != 0
    short = runner.invoke(args=["user", "create", "bo", "--role", "teacher"], input="short\nshort\n")
    assert short.exit_code != 0 and "10 characters" in short.output
    assert (
        runner.invoke(
            args=["user", "create", "bo", "--role", "teacher"], input="long enough!\nlong enough!\n"
        ).exit_code
        == 0
    )
    again = runner.invoke(args=["user", "create", "BO", "--role", "teacher"], input="long enough!\nlong enough!\n")
    assert again.exit_code != 0 and "already" in again.output


def test_cli_never_takes_the_password_as_an_argument(runner):
    result = runner.invoke(args=["user", "create", "x", "--role", "admin", "--password", "secret"])
    assert result.exit_code != 0


def test_staff_login_with_a_wrong_password_is_refused_in_norwegian(app, client):
    make_staff(app, "tina")
    response = log_in_staff(client, "tina", "wrong password", lang="nb")
    assert response.status_code == 401
    assert "Feil brukernavn eller passord." in response.get_data(as_text=True)


def test_teacher_lands_on_their_classes_and_logout_ends_the_session(app, client):
    make_staff(app, "tina")
    response = log_in_staff(client, "tina")
    assert response.headers["Location"] == "/en/teach/"
    stolen = client.get_cookie("session").value
    assert client.get("/en/teach/").status_code == 200
    token = csrf_of(client, "/en/teach/")
    assert client.post("/en/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/en/teach/").status_code == 302
    # A copy of the old session cookie no longer works either.
    client.set_cookie("session", stolen)
    assert client.get("/en/teach/").status_code == 302


@pytest.fixture
def tina_deleted_after_reading(app, client, monkeypatch):
    """Tina is logged in; on her next request, her account is deleted (by an admin, at that
    moment) right after the request has read who is asking."""
    from minequiz.auth import learners

    make_staff(app, "tina")
    log_in_staff(client, "tina")
    read = learners.read_row

    def read_then_lose_the_account(statement, params=None):
        row = read(statement, params)
        with db.engine.begin() as connection:
            connection.execute(db.delete(User).where(User.username == "tina"))
        monkeypatch.setattr(learners, "read_row", read)
        return row

    return lambda: monkeypatch.setattr(learners, "read_row", read_then_lose_the_account)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_an_account_deleted_while_its_request_runs_is_logged_out_not_met_by_an_error(
    app, client, tina_deleted_after_reading, lang
):
    token = csrf_of(client, f"/{lang}/teach/")
    tina_deleted_after_reading()
    response = client.post(f"/{lang}/teach/", data={"csrf_token": token, "name": "Class 5B"})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert ("Du har ikke tilgang" in page) == (lang == "nb") and ("You do not have access" in page) == (lang == "en")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(Classroom.name == "Class 5B")) == 0
    assert client.get(f"/{lang}/teach/").status_code == 302  # logged out


def test_logout_works_when_the_account_was_just_deleted(client, tina_deleted_after_reading):
    tina_deleted_after_reading()
    assert client.post("/en/logout").status_code == 303
    assert client.get("/en/teach/").status_code == 302


def test_login_starts_a_fresh_session(app, client):
    make_staff(app, "tina")
    client.get("/en/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    log_in_staff(client, "tina")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_staff_login_is_rate_limited(app, client):
    make_staff(app, "tina")
    statuses = [log_in_staff(client, "tina", f"guess {n}").status_code for n in range(12)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    response = log_in_staff(client, "tina", lang="nb")
    assert response.status_code == 429
    assert "For mange forsøk" in response.get_data(as_text=True)


def test_join_code_is_easy_to_read_aloud(class_code):
    assert re.fullmatch(r"[A-HJ-KMNP-Z2-9]{6}", class_code)


def test_joining_keeps_the_attempts_made_on_this_device(app, class_code):
    student = app.test_client()
    slug = lesson_slugs(app)[0]
    submit(student, open_quiz(student, app, slug))
    response = join(student, class_code.lower(), "Åse Berg", age_group="12-17", gender="female")
    assert response.status_code == 303
    with app.app_context():
        membership = db.session.scalar(db.select(Membership))
        assert membership.display_name == "Åse Berg"
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(Attempt).where(Attempt.user_id == membership.user_id)
            )
            == 1
        )
        assert membership.user.age_group == "12-17"
    page = student.get("/en/progress").get_data(as_text=True)
    assert len(re.findall(r'href="/en/attempts/\d+"', page)) == 1


@pytest.mark.parametrize(
    ("code", "name", "pin", "status", "message"),
    [
        ("ZZZZZZ", "Ali", "1234", 409, "Det finnes ingen klasse med denne koden"),
        (None, "Ali", "12", 422, "En PIN-kode er 4 til 6 sifre."),
        (None, "Ali", "abcd", 422, "En PIN-kode er 4 til 6 sifre."),
        (None, "", "1234", 422, "Fyll ut dette feltet."),
        (None, "x" * 41, "1234", 422, "Bruk høyst 40 tegn."),
        (None, "Ali", "1234\n", 422, "En PIN-kode er 4 til 6 sifre."),
    ],
)
def test_bad_joins_get_a_clear_norwegian_answer(app, class_code, code, name, pin, status, message):
    response = join(app.test_client(), code or class_code, name, pin, lang="nb")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 0


def test_duplicate_display_name_is_refused(app, class_code):
    assert join(app.test_client(), class_code, "Ali", "1234").status_code == 303
    response = join(app.test_client(), class_code, "  ali ", "5678", lang="nb")
    assert response.status_code == 409
    assert "bruker allerede dette navnet" in response.get_data(as_text=True)


def test_closed_class_cannot_be_joined(app, teacher):
    class_id, code = create_class(teacher, "Closed class")
    token = csrf_of(teacher, f"/en/teach/classes/{class_id}")
    teacher.post(f"/en/teach/classes/{class_id}/closed", data={"csrf_token": token})
    response = join(app.test_client(), code, "Ali", "1234", lang="nb")
    assert response.status_code == 409
    assert "stengt for nye elever" in response.get_data(as_text=True)


def test_a_pin_chosen_in_other_digits_works_typed_as_0_to_9(app, class_code):
    assert join(app.test_client(), class_code, "Ali", "\u0662\u0664\u0666\u0668").status_code == 303  # Arabic-Indic
    assert student_login(app.test_client(), class_code, "Ali", "2468").status_code == 303
    assert (
        student_login(app.test_client(), class_code, "Ali", "\uff12\uff14\uff16\uff18").status_code == 303
    )  # full-width


def test_a_pin_stored_as_typed_before_digits_were_read_as_0_to_9_still_works(app, class_code):
    from werkzeug.security import generate_password_hash

    assert join(app.test_client(), class_code, "Bea", "1357").status_code == 303
    with app.app_context():
        membership = db.session.scalar(db.select(Membership).where(Membership.display_name == "Bea"))
        membership.user.pin_hash = generate_password_hash("\u0661\u0663\u0665\u0667")  # as an older release stored it
        db.session.commit()
    assert student_login(app.test_client(), class_code, "Bea", "\u0661\u0663\u0665\u0667").status_code == 303


def test_student_logs_in_on_another_device_and_brings_this_devices_attempts(app, class_code):
    first = app.test_client()
    slug = lesson_slugs(app)[0]
    join(first, class_code, "Ali", "2468")
    submit(first, open_quiz(first, app, slug))
    before = first.get("/en/progress").get_data(as_text=True)  # kept in the page cache
    assert len(re.findall(r'href="/en/attempts/\d+"', before)) == 1
    second = app.test_client()
    submit(second, open_quiz(second, app, slug))
    response = student_login(second, class_code, "ALI", "2468")
    assert response.status_code == 303
    for device in (second, first):
        page = device.get("/en/progress").get_data(as_text=True)
        assert len(re.findall(r'href="/en/attempts/\d+"', page)) == 2
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.role == "student")) == 1


def test_wrong_pin_and_too_many_tries(app, class_code):
    join(app.test_client(), class_code, "Ali", "2468")
    client = app.test_client()
    wrong = student_login(client, class_code, "Ali", "0000", lang="nb")
    assert wrong.status_code == 401
    assert "Feil klassekode, navn eller PIN-kode." in wrong.get_data(as_text=True)
    for _ in range(4):
        student_login(client, class_code, "Ali", "0000")
    blocked = student_login(client, class_code, "Ali", "2468", lang="nb")
    assert blocked.status_code == 429
    assert "For mange forsøk" in blocked.get_data(as_text=True)


def test_teacher_resets_a_pin(app, teacher, class_code):
    join(app.test_client(), class_code, "Ali", "2468")
    with app.app_context():
        membership = db.session.scalar(db.select(Membership))
        class_id, membership_id = membership.classroom_id, membership.id
    path = f"/en/teach/classes/{class_id}/students/{membership_id}"
    token = csrf_of(teacher, path)
    page = teacher.post(f"{path}/pin", data={"csrf_token": token}).get_data(as_text=True)
    new_pin = re.search(r'class="code-text big">(\d{4})<', page).group(1)
    assert student_login(app.test_client(), class_code, "Ali", "2468").status_code == 401
    assert student_login(app.test_client(), class_code, "Ali", new_pin).status_code == 303


def test_expired_login_form_keeps_what_was_typed(app, client):
    make_staff(app, "tina")
    client.get("/en/login")
    response = client.post("/nb/login", data={"csrf_token": "stale", "username": "tina", "password": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Siden var utløpt" in page and 'value="tina"' in page


def test_admin_creates_disables_and_resets_staff_accounts(app, client):
    make_staff(app, "root", role="admin")
    make_staff(app, "tina")
    log_in_staff(client, "root")
    token = csrf_of(client, "/en/admin/users")
    created = client.post(
        "/en/admin/users", data={"csrf_token": token, "username": "ed", "display_name": "Ed Itor", "role": "editor"}
    )
    password = re.search(r'class="code-text big">([^<]+)<', created.get_data(as_text=True)).group(1)
    assert log_in_staff(app.test_client(), "ed", password).status_code == 303
    with app.app_context():
        tina = db.session.scalar(db.select(User).where(User.username == "tina"))
    teacher = app.test_client()
    log_in_staff(teacher, "tina")
    assert client.post(f"/en/admin/users/{tina.id}/active", data={"csrf_token": token}).status_code == 303
    assert teacher.get("/en/teach/").status_code == 302
    assert log_in_staff(app.test_client(), "tina").status_code == 401
    page = client.post(f"/en/admin/users/{tina.id}/password", data={"csrf_token": token}).get_data(as_text=True)
    assert re.search(r'class="code-text big">([^<]+)<', page)
    duplicate = client.post("/en/admin/users", data={"csrf_token": token, "username": "TINA", "role": "teacher"})
    assert duplicate.status_code == 409


def test_parallel_pin_guesses_cannot_pass_the_limit(app, class_code):
    from concurrent.futures import ThreadPoolExecutor

    join(app.test_client(), class_code, "Frode", "6699")
    guesser = app.test_client()
    token = csrf_of(guesser, "/en/login")
    cookie = guesser.get_cookie("session").value

    def guess(pin: int) -> int:
        client = app.test_client()
        client.set_cookie("session", cookie)
        data = {"csrf_token": token, "code": class_code, "name": "Frode", "pin": f"{pin:04d}"}
        return client.post("/en/login/student", data=data).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(6640, 6700)))
    assert sum(1 for status in statuses if status != 429) <= 5
    assert 303 not in statuses


def test_logout_without_a_form_token_still_ends_every_session(app, client):
    make_staff(app, "tina")
    log_in_staff(client, "tina")
    copy = client.get_cookie("session").value
    assert client.post("/en/logout").status_code == 303
    client.set_cookie("session", copy)
    assert client.get("/en/teach/").status_code == 302


@pytest.mark.parametrize("target", ["/%0A/evil.example", "/%09/evil.example/", "//evil.example", "/\\evil.example"])
def test_login_never_redirects_off_site(app, client, target):
    make_staff(app, "tina")
    token = csrf_of(client, "/en/login")
    response = client.post(
        f"/en/login?next={target}",
        data={"csrf_token": token, "username": "tina", "password": "correct horse battery"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/teach/"


def test_look_alike_names_are_the_same_name(app, class_code):
    assert join(app.test_client(), class_code, "Åse").status_code == 303
    assert join(app.test_client(), class_code, "Åse\u200b").status_code == 409
    assert join(app.test_client(), class_code, "\u202eÅse").status_code == 409
    assert join(app.test_client(), class_code, "\u200b\u200b", lang="nb").status_code == 422


def test_a_student_logged_in_on_a_shared_device_is_named_when_joining_again(app, class_code):
    device = app.test_client()
    join(device, class_code, "Ali", "1111")
    response = join(device, class_code, "Bea", "2222", lang="nb")
    assert response.status_code == 409
    assert "Du er allerede med i denne klassen som Ali." in response.get_data(as_text=True)


def test_cli_refuses_odd_usernames_and_blank_passwords(runner):
    assert runner.invoke(
        args=["user", "create", "  ", "--role", "teacher"], input="long enough!\nlong enough!\n"
    ).exit_code
    assert runner.invoke(args=["user", "create", "bad <x>", "--role", "teacher"], input="long enough!\n" * 2).exit_code
    blank = " " * 12 + "\n"
    assert runner.invoke(args=["user", "create", "bo", "--role", "teacher"], input=blank * 2).exit_code


def test_too_many_tries_says_how_long_to_wait(app, class_code):
    client = app.test_client()
    for _ in range(5):
        client.post("/en/login/student", data={"code": class_code, "name": "Nobody", "pin": "0000"})
    response = client.post("/nb/login/student", data={"code": class_code, "name": "Nobody", "pin": "0000"})
    assert response.status_code == 429
    assert "Vent 15 minutter, og prøv igjen." in response.get_data(as_text=True)
