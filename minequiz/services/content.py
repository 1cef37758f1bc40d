"""Reading published content: the lesson list, one lesson, and its text per language."""

import random
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..models import Choice, Question
from . import catalogue

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


@lru_cache(maxsize=512)
def render_markdown(text: str) -> Markup:
    """Markdown to HTML, then sanitised so no script or event attribute can reach a page."""
    # Safe to mark: nh3 has removed every tag, attribute and URL scheme not on its allow list.
    return Markup(nh3.clean(_markdown.render(text)))  # nosec


def published_lessons() -> list[catalogue.LessonView]:
    """The lessons students see, in list order, each with its published version."""
    return catalogue.published_lessons()


def published_version(slug: str) -> catalogue.VersionView | None:
    """The version students get for `slug`, with its questions, or None."""
    return catalogue.published_version(slug) if SLUG.match(slug) else None


def display_order(question: Question) -> list[Choice]:
    """Choices as learners see them: shuffled the same way on every visit, and for an
    ordering question never already in the right order."""
    if question.kind == "truefalse":
        return list(question.choices)
    shuffled = list(question.choices)
    # Not a secret: the same display order for everyone, seeded so a page is stable.
    random.Random(question.id).shuffle(shuffled)  # nosec B311
    if question.kind == "order" and shuffled == list(question.choices):
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled
