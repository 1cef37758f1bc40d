"""The page cache's key prefix names the release: a shared cache store that outlives a
restart never hands a page, or an entry of another shape, to code that did not make it."""

import os
from types import SimpleNamespace

from minequiz.layout import cache_prefix


def fake_app(root, **config):
    settings = {
        "BABEL_TRANSLATION_DIRECTORIES": str(root / "translations"),
        "SQLALCHEMY_DATABASE_URI": "sqlite:///one.sqlite",
        "MASTERY_PERCENT": 80,
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ["nb", "en"],
    }
    return SimpleNamespace(root_path=str(root / "minequiz"), config={**settings, **config})


def test_the_prefix_changes_with_the_code_the_templates_the_catalogues_and_the_database(tmp_path):
    files = [tmp_path / "minequiz" / "layout.py", tmp_path / "minequiz" / "templates" / "base.html"]
    files.append(tmp_path / "translations" / "nb" / "LC_MESSAGES" / "messages.mo")
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("first")
    first = cache_prefix(fake_app(tmp_path))
    assert cache_prefix(fake_app(tmp_path)) == first
    seen = {first}
    for number, path in enumerate(files):
        path.write_text("second release")
        os.utime(path, ns=(10**18 + number, 10**18 + number))
        seen.add(cache_prefix(fake_app(tmp_path)))
    seen.add(cache_prefix(fake_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///other.sqlite")))
    assert len(seen) == 5
    (tmp_path / "minequiz" / "notes.txt").write_text("not part of what pages are made of")
    assert cache_prefix(fake_app(tmp_path)) in seen
