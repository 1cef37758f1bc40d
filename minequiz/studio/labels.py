"""Words the studio shows for codes stored in the database (states, history actions,
field names in a difference), in the page's language."""

from flask_babel import gettext as _

from .forms import KIND_LABELS


def state_labels() -> dict[str, str]:
    return {
        "draft": _("Draft, never published"),
        "published": _("Published"),
        "changed": _("Published; changed since"),
        "unpublished": _("Unpublished"),
        "archived": _("Archived"),
    }


def action_labels() -> dict[str, str]:
    return {
        "created": _("created the lesson"),
        "edited": _("edited the lesson text"),
        "edited-question": _("edited a question"),
        "added-question": _("added a question"),
        "moved-question": _("moved a question"),
        "removed-question": _("removed a question"),
        "published": _("published version"),
        "unpublished": _("unpublished the lesson"),
        "archived": _("archived the lesson"),
        "restored": _("restored the lesson"),
        "kept-mine": _("saved their version after a conflict"),
        "imported": _("imported"),
        "imported-gift": _("imported questions from a GIFT file, language:"),
    }


def diff_labels() -> dict:
    return {
        "title": _("Title"),
        "summary": _("Summary"),
        "body": _("Lesson text"),
        "messages": _("Safety messages"),
        "image": _("Picture"),
        "alt": _("Alt text"),
        "question": _("Question"),
        "message": _("safety message"),
        "prompt": _("question"),
        "explanation": _("explanation"),
        "answer": _("answer"),
        "true": _("True"),
        "false": _("False"),
        "choice": _("choice"),
        "kinds": {key: str(label) for key, label in KIND_LABELS.items()},
    }


def problem_for_image(reason: str) -> str:
    return {
        "too-large": _("This picture is too large. Use one of at most 3 MB and 40 megapixels."),
        "wrong-type": _("Use a PNG, JPEG, GIF or WebP picture."),
    }.get(reason, _("This file is not a picture we can read."))
