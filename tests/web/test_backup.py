"""A backup holds everything; restored into an empty database it gives back the same reports."""

import gzip
import io
import re

from flask_migrate import upgrade

from minequiz.extensions import db
from minequiz.models import User
from tests.conftest import close, make_app
from tests.factories import csrf_of, log_in_staff, make_staff, new_lesson, seed_class

PAGES = ["", "/report", "/items", "/overview.csv", "/items.csv", "/messages.csv"]


def rows_of(path) -> list[str]:
    """The file's lines but the header (which names the schema, the same here)."""
    with gzip.open(path, "rt", encoding="utf-8") as source:
        return source.read().splitlines()[1:]


def reports(app, class_id: int) -> dict[str, bytes]:
    teacher = app.test_client()
    assert log_in_staff(teacher, "tina").status_code == 303
    pages = {}
    for lang in ("nb", "en"):
        for page in PAGES:
            response = teacher.get(f"/{lang}/teach/classes/{class_id}{page}")
            assert response.status_code == 200, page
            body = response.get_data()
            pages[f"{lang}{page}"] = body if page.endswith(".csv") else strip_tokens(body)
    return pages


def strip_tokens(body: bytes) -> bytes:
    """A page without its per-session form tokens."""
    return re.sub(rb'name="csrf_token"( type="hidden")? value="[^"]*"', b"", body)


def test_backup_restored_into_an_empty_database_gives_the_same_data_and_reports(
    app, client, runner, new_database, tmp_path
):
    make_staff(app, "tina")
    with app.app_context():
        teacher_id = db.session.scalar(db.select(User.id).where(User.username == "tina"))
    class_id = seed_class(app, teacher_id, students=12, attempts_each=3)
    make_staff(app, "edna", role="editor")
    log_in_staff(client, "edna")
    picture = tmp_path / "p.png"
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(picture)
    lesson_id = new_lesson(client)
    token = csrf_of(client, f"/en/studio/lessons/{lesson_id}")
    saved = client.post(
        f"/en/studio/lessons/{lesson_id}",
        data={
            "csrf_token": token,
            "revision": "1",
            "position": "7",
            "title_nb": "Lokalt",
            "title_en": "Local",
            "alt_nb": "Rødt",
            "alt_en": "Red",
            "image": (io.BytesIO(picture.read_bytes()), "p.png"),
        },
        content_type="multipart/form-data",
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)
    before = reports(app, class_id)
    first = tmp_path / "first.minequiz.gz"
    result = runner.invoke(args=["backup", "create", str(first)])
    assert result.exit_code == 0, result.output
    assert oct(first.stat().st_mode & 0o777) == "0o600"

    restored = make_app(new_database("restored"))
    restore = restored.test_cli_runner().invoke(args=["backup", "restore", str(first)])
    assert restore.exit_code == 0, restore.output
    second = tmp_path / "second.minequiz.gz"
    assert restored.test_cli_runner().invoke(args=["backup", "create", str(second)]).exit_code == 0

    lines = rows_of(first)
    assert lines == rows_of(second)
    for table in ('"user"', '"attempt"', '"response"', '"image"', '"lesson_change"', '"membership"'):
        assert any(line.startswith('{"table": ' + table) for line in lines), table
    assert reports(restored, class_id) == before
    # New rows after a restore get new ids (PostgreSQL's counters were moved on).
    make_staff(restored, "newcomer")
    close(restored)


def test_restore_refuses_a_database_with_data_and_a_file_that_is_not_a_backup(app, runner, tmp_path):
    backup = tmp_path / "b.gz"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    again = runner.invoke(args=["backup", "restore", str(backup)])
    assert again.exit_code != 0 and "The database is not empty" in again.output
    garbage = tmp_path / "garbage.gz"
    garbage.write_bytes(b"not gzip at all")
    refused = runner.invoke(args=["backup", "restore", str(garbage)])
    assert refused.exit_code != 0 and "not a minequiz backup" in refused.output


def test_restore_into_a_brand_new_database_migrates_it_first(app, runner, new_database, tmp_path):
    backup = tmp_path / "b.gz"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    migrated = make_app(new_database("migrated"))
    with migrated.app_context():
        upgrade()
    result = migrated.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert migrated.test_client().get("/en/lessons/what-they-look-like").status_code == 200
    close(migrated)


def test_a_backup_is_one_state_of_the_data_even_while_a_quiz_arrives(app, runner, new_database, tmp_path):
    from sqlalchemy import event

    from minequiz.models import Attempt
    from tests.factories import lesson_slugs, open_quiz, submit

    student = app.test_client()
    slug = lesson_slugs(app)[0]
    assert submit(student, open_quiz(student, app, slug)).status_code == 303
    sheet = open_quiz(student, app, slug)
    sent = []

    def quiz_arrives_mid_backup(connection, cursor, statement, *args):
        if "FROM response" in statement and not sent:
            sent.append(submit(student, sheet).status_code)  # another connection, committed now

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", quiz_arrives_mid_backup)
    try:
        backup = tmp_path / "live.gz"
        assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    finally:
        event.remove(engine, "before_cursor_execute", quiz_arrives_mid_backup)
    assert sent == [303]
    restored = make_app(new_database("restored"))
    result = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    with restored.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attempt)) == 1
    close(restored)
