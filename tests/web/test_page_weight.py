"""Every student page is light enough for a slow, paid-by-the-megabyte phone connection:
at most 30 KB over the wire with its stylesheet (gzip, without pictures), and no JavaScript."""

import gzip
import re

import pytest

from tests.factories import join, lesson_slugs, open_quiz, submit

LIMIT = 30 * 1024


@pytest.fixture
def student_pages(app, client, teacher):
    from tests.factories import create_class

    _class_id, code = create_class(teacher)
    learner = app.test_client()
    assert join(learner, code, "Åse").status_code == 303
    slugs = lesson_slugs(app)
    for slug in slugs:
        for _ in range(3):
            submit(learner, open_quiz(learner, app, slug))
    result = submit(learner, open_quiz(learner, app, slugs[-1])).headers["Location"]
    paths = ["/{lang}/", "/{lang}/progress", "/{lang}/join", "/{lang}/login", result.replace("/en/", "/{lang}/")]
    for slug in slugs:
        paths += [f"/{{lang}}/lessons/{slug}", f"/{{lang}}/lessons/{slug}/quiz"]
    return learner, paths


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_student_pages_weigh_at_most_30_kb_with_their_stylesheet_and_need_no_javascript(student_pages, lang):
    learner, paths = student_pages
    stylesheet = len(gzip.compress(learner.get("/static/site.css").get_data(), 6))
    for path in map(lambda p: p.format(lang=lang), paths):
        response = learner.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        weight = len(gzip.compress(response.get_data(), 6)) + stylesheet
        assert weight <= LIMIT, f"{path}: {weight} bytes"
        assert not re.search(r"<script|\son[a-z]+=|javascript:", html, re.I), path
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert stylesheets == ["/static/site.css"], path
