"""Both languages everywhere: every UI string is translated, and no English text
(UI or content) shows on a Norwegian page."""

import html
import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from minequiz.cli import EXTRACT_OPTIONS, is_translated, message_key
from minequiz.config import TRANSLATIONS_DIR
from minequiz.extensions import db
from minequiz.models import ChoiceText, LessonText, QuestionText, SafetyMessageText
from tests.factories import lesson_slugs, open_quiz, submit, wrong_answers

ROOT = TRANSLATIONS_DIR.parent
ENGLISH_WORDS = {"the", "you", "your", "with", "this", "that", "what", "which", "please", "of", "answer", "lesson"}


def read_catalogue(language: str):
    with open(TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|alt|title)="([^"]*)"', page))
    text = re.sub(r"<[^>]+>", " ", page) + " " + labels
    return re.sub(r"\s+", " ", html.unescape(text))


def english_fragments(app) -> set[str]:
    """UI strings and content written in English that differ from their Norwegian text."""
    fragments = set()
    for message in read_catalogue("nb"):
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for english in ids if message.id else []:
            if english in strings:
                continue
            for part in re.split(r"%\(\w+\)[sd]", english):
                if len(part.strip(" :.,()")) >= 4 and not any(part.strip() in s for s in strings):
                    fragments.add(part.strip(" :.,()"))
    with app.app_context():
        for model, fields, key in [
            (LessonText, ("title", "summary"), "version_id"),
            (QuestionText, ("prompt", "explanation"), "question_id"),
            (ChoiceText, ("text",), "choice_id"),
            (SafetyMessageText, ("title", "text"), "message_id"),
        ]:
            rows = db.session.scalars(db.select(model)).all()
            norwegian = {(getattr(r, key), f): getattr(r, f) for r in rows if r.locale == "nb" for f in fields}
            for row in rows:
                if row.locale == "en":
                    for field in fields:
                        if getattr(row, field) != norwegian[(getattr(row, key), field)]:
                            fragments.add(getattr(row, field))
    return fragments


def norwegian_pages(client, app) -> dict[str, str]:
    """Every page a learner can reach in Norwegian, good and bad."""
    slugs = lesson_slugs(app)
    pages = {"/nb/": client.get("/nb/").get_data(as_text=True)}
    for slug in slugs:
        for path in (f"/nb/lessons/{slug}", f"/nb/lessons/{slug}/quiz?kind=pre"):
            pages[path] = client.get(path).get_data(as_text=True)
        sheet = open_quiz(client, app, slug, lang="nb")
        posted = submit(client, sheet, lang="nb", answers=wrong_answers(sheet.version))
        pages[f"result {slug}"] = client.get(posted.headers["Location"]).get_data(as_text=True)
        pages[f"409 {slug}"] = submit(client, sheet, lang="nb").get_data(as_text=True)
        again = open_quiz(client, app, slug, lang="nb")
        pages[f"422 {slug}"] = submit(client, again, lang="nb", answers={}).get_data(as_text=True)
        pages[f"quiz again {slug}"] = client.get(f"/nb/lessons/{slug}/quiz?kind=pre").get_data(as_text=True)
    pages["progress"] = client.get("/nb/progress").get_data(as_text=True)
    pages["404"] = client.get("/nb/lessons/nope").get_data(as_text=True)
    pages["400"] = client.post(f"/nb/lessons/{slugs[0]}/quiz", data={"ticket": "x"}).get_data(as_text=True)
    pages["405"] = client.put("/nb/progress").get_data(as_text=True)
    return pages


def test_every_ui_string_has_a_norwegian_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            *EXTRACT_OPTIONS,
            "-o",
            str(pot),
            "minequiz",
        ],
        check=True,
        cwd=ROOT,
    )
    with open(pot, "rb") as handle:
        wanted = {message_key(m) for m in read_po(handle) if m.id}
    translated = {message_key(m) for m in read_catalogue("nb") if m.id and is_translated(m)}
    assert wanted, "extraction found no UI strings"
    assert sorted(wanted - translated) == []


def test_the_extractor_reads_every_template():
    """Jinja's extractor leaves out, without a word, a template it cannot parse (one with
    a tag of an extension that babel.cfg does not name), so its strings would never reach
    the catalogues. Each template is read here with errors raised."""
    from babel.messages.frontend import parse_mapping_cfg
    from jinja2.ext import babel_extract

    with open(ROOT / "babel.cfg") as handle:
        methods, options = parse_mapping_cfg(handle)
    pattern = next(pattern for pattern, method in methods if method == "jinja2")
    templates = sorted((ROOT / "minequiz" / "templates").rglob("*.html"))
    assert len(templates) > 20
    found = []
    for template in templates:
        with open(template, "rb") as handle:
            found += babel_extract(handle, ["_", "gettext", "ngettext"], [], {**options[pattern], "silent": "false"})
    assert "Skip to content" in {message for _line, _function, message, _comments in found}


def test_catalogues_compile_and_are_used(client):
    assert (TRANSLATIONS_DIR / "nb" / "LC_MESSAGES" / "messages.mo").exists()
    assert "Min framgang" in client.get("/nb/").get_data(as_text=True)
    assert "My progress" in client.get("/en/").get_data(as_text=True)


def test_no_english_shows_on_a_norwegian_page(client, app):
    fragments = english_fragments(app)
    assert len(fragments) > 100
    for name, page in norwegian_pages(client, app).items():
        text = visible_text(page)
        leaked = sorted(f for f in fragments if re.search(r"(?<!\w)" + re.escape(f) + r"(?!\w)", text))
        assert leaked == [], f"English on the Norwegian page {name}"
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        assert words & ENGLISH_WORDS == set(), f"English words on the Norwegian page {name}"


@pytest.mark.parametrize("path", ["/nb/", "/en/", "/nb/progress"])
def test_page_declares_its_language(client, path):
    assert f'<html lang="{path[1:3]}">' in client.get(path).get_data(as_text=True)


def test_translation_coverage_report(app, runner, tmp_path):
    import shutil

    result = runner.invoke(args=["translate", "coverage"])
    assert result.exit_code == 0 and "nb: " in result.output
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, copy)
    po = copy / "nb" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgstr "Send svarene mine"', 'msgstr ""'))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(copy)
    result = runner.invoke(args=["translate", "coverage"])
    assert result.exit_code == 1
    assert "  - Send my answers" in result.output
