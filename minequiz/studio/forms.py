"""Studio forms. Their text fields are made per language, so a language added to the
translations folder gets its own column without a code change."""

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import AppForm, SubForm
from ..services.documents import CONTROL, KEY, LIMITS, MAX_CHOICES, MESSAGE_LIMITS, language_name

KIND_LABELS = {
    "single": _l("One right answer"),
    "multiple": _l("Several right answers"),
    "truefalse": _l("True or false"),
    "order": _l("Put in order"),
}


def _strip(value):
    """Without invisible control characters (PostgreSQL refuses NUL), spaces around it, or
    Windows line ends."""
    return CONTROL.sub("", value).strip().replace("\r\n", "\n") if isinstance(value, str) else value


def _text(label, limit: int, area: bool = False):
    field = TextAreaField if area else StringField
    return field(
        label,
        validators=[Optional(), Length(max=limit, message=_l("Use at most %(max)d characters."))],
        filters=[_strip],
    )


class Revision(AppForm):
    """The save counter the form was opened with (optimistic locking)."""

    revision = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])


class MessageChoices(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@lru_cache(maxsize=8)
def lesson_form_class(languages: tuple[str, ...]):
    fields = {
        "position": IntegerField(
            _l("Place in the lesson list"),
            description=_l("A new place applies at once, without publishing."),
            validators=[InputRequired(_l("Give a whole number.")), NumberRange(min=1, max=999)],
        ),
        "messages": MessageChoices(
            _l("Safety messages this lesson teaches"),
            choices=[],
            validate_choice=True,
            # (WTForms' own message for this has no Norwegian translation.)
            invalid_choice_message=_l("This is not one of the safety messages. Reload the page and choose again."),
        ),
        "image": FileField(_l("Picture (PNG, JPEG, GIF or WebP, at most 3 MB)")),
        "remove_image": BooleanField(_l("Remove the picture")),
    }
    for language in languages:
        fields[f"title_{language}"] = _text(_l("Title"), LIMITS["title"])
        fields[f"summary_{language}"] = _text(_l("Summary (one sentence for the lesson list)"), LIMITS["summary"], True)
        fields[f"body_{language}"] = _text(_l("Lesson text (Markdown)"), LIMITS["body"], True)
        fields[f"alt_{language}"] = _text(_l("What the picture shows (alt text)"), LIMITS["alt"])
    return type("LessonForm", (Revision,), fields)


@lru_cache(maxsize=8)
def choice_form_class(languages: tuple[str, ...]):
    fields = {
        "key": HiddenField(),
        "correct": BooleanField(_l("Right answer")),
        "place": IntegerField(_l("Place"), validators=[Optional(), NumberRange(min=1, max=MAX_CHOICES)]),
        "remove": BooleanField(_l("Remove this choice")),
    }
    for language in languages:
        fields[f"text_{language}"] = _text(_l("Choice"), LIMITS["text"], True)
    return type("ChoiceForm", (SubForm,), fields)


@lru_cache(maxsize=8)
def question_form_class(languages: tuple[str, ...]):
    fields = {
        "kind": SelectField(_l("Kind of question"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()]),
        "message": SelectField(_l("Safety message it checks"), choices=[], validate_choice=True),
        "answer": RadioField(
            _l("The statement is"),
            choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
            validators=[Optional()],
        ),
        "choices": FieldList(FormField(choice_form_class(languages)), max_entries=MAX_CHOICES),
        "image": FileField(_l("Picture (PNG, JPEG, GIF or WebP, at most 3 MB)")),
        "remove_image": BooleanField(_l("Remove the picture")),
    }
    for language in languages:
        fields[f"prompt_{language}"] = _text(_l("Question"), LIMITS["prompt"], True)
        fields[f"explanation_{language}"] = _text(_l("Explanation shown after the answer"), LIMITS["explanation"], True)
        fields[f"alt_{language}"] = _text(_l("What the picture shows (alt text)"), LIMITS["alt"])
    return type("QuestionForm", (Revision,), fields)


@lru_cache(maxsize=8)
def message_form_class(languages: tuple[str, ...]):
    fields = {
        "number": IntegerField(
            _l("Number learners see"), validators=[InputRequired(_l("Give a whole number.")), NumberRange(1, 99)]
        )
    }
    for language in languages:
        fields[f"title_{language}"] = _text(_l("Title"), MESSAGE_LIMITS["title"])
        fields[f"text_{language}"] = _text(_l("Message"), MESSAGE_LIMITS["text"], True)
    return type("MessageForm", (Revision,), fields)


class NewLessonForm(AppForm):
    slug = StringField(
        _l("Address of the new lesson"),
        description=_l("Lower-case letters and digits joined by dashes, such as local-signs. It cannot be changed."),
        validators=[
            InputRequired(_l("Fill in this field.")),
            Length(max=100),
            Regexp(KEY, message=_l("Use lower-case letters and digits joined by dashes, such as local-signs.")),
        ],
        filters=[_strip],
    )


class NewQuestionForm(Revision):
    kind = SelectField(_l("Kind of question"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])


class MoveForm(Revision):
    direction = SelectField(choices=[SelectChoice("up", "up"), SelectChoice("down", "down")])


class ImportForm(AppForm):
    file = FileField(_l("File"))


@lru_cache(maxsize=8)
def gift_import_form_class(languages: tuple[str, ...]):
    fields = {
        "file": FileField(_l("GIFT file (from Moodle or exported here)")),
        "language": RadioField(
            _l("Language of the file"),
            choices=[SelectChoice(language, language) for language in languages],
            validators=[InputRequired(_l("Choose the language the file is written in."))],
        ),
    }
    return type("GiftImportForm", (Revision,), fields)


def gift_import_form(languages: tuple[str, ...], **options):
    """The GIFT import form (options as for any form), languages named in the page's language."""
    form = gift_import_form_class(languages)(**options)
    form.language.choices = [SelectChoice(language, language_name(language, True)) for language in languages]
    return form
