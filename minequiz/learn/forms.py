"""The quiz form, built from the questions of one lesson version."""

import re
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import AppForm
from ..i18n import localized
from ..models import LessonVersion
from ..services.content import display_order

FIELD_NAME = re.compile(r"q(\d+)(?:-(\d+))?$")


class KnownChoices:
    """Every chosen value must be one the page offered (a tampered id is refused)."""

    message = _l("This answer is not one of the choices. Reload the quiz and answer again.")

    def __call__(self, form, field):
        values = field.raw_data or []
        offered = {choice.value for choice in field.choices}
        repeated = len(set(values)) != len(values) or (not isinstance(field, CheckboxesField) and len(values) > 1)
        if repeated or any(value not in offered for value in values):
            raise ValidationError(self.message)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrderField(Field):
    """Put steps in order without JavaScript: each step gets a number from 1 to n.
    Its data is the step ids in the learner's order."""

    def __init__(self, label=None, steps=(), **kwargs):
        super().__init__(label, **kwargs)
        self.steps = list(steps)
        self.positions: dict[str, str] = {}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.data = None
        self.raw_data = []
        if formdata is not None:
            for step_id, _text in self.steps:
                values = formdata.getlist(f"{self.name}-{step_id}")
                # A step sent twice is as wrong as a step left out.
                self.positions[step_id] = values[0] if len(values) == 1 else ""
                self.raw_data.extend(values)

    def pre_validate(self, form):
        count = len(self.steps)
        message = _("Give each step a different number from 1 to %(num)d.", num=count)
        if any(value == "" for value in self.positions.values()) or len(self.positions) != count:
            raise StopValidation(message)
        try:
            numbers = {step: int(value) for step, value in self.positions.items()}
        except ValueError:
            raise StopValidation(message) from None
        if sorted(numbers.values()) != list(range(1, count + 1)):
            raise StopValidation(message)
        self.data = [step for step, _n in sorted(numbers.items(), key=lambda item: item[1])]


class QuizForm(AppForm):
    ticket = HiddenField()

    def answers(self) -> dict[int, list[int]]:
        """Question id → chosen choice ids (in the learner's order for `order`)."""
        result = {}
        for question, field in self.questions:
            data = field.data if isinstance(field.data, list) else [field.data]
            result[question.id] = [int(value) for value in data]
        return result

    def foreign_fields(self, formdata) -> list[str]:
        """Answer fields that do not belong to this quiz (another quiz's, or made up)."""
        steps = {
            str(question.id): {str(choice.id) for choice in question.choices} for question, _field in self.questions
        }
        foreign = []
        for name in formdata.keys():
            match = FIELD_NAME.match(name)
            if not match:
                continue
            question_id, step_id = match.groups()
            if question_id not in steps or (step_id is not None and step_id not in steps[question_id]):
                foreign.append(name)
        return foreign


def build_quiz_form(version: LessonVersion, locale: str) -> QuizForm:
    """The quiz form of a version in a language, bound to the request's data."""
    form = quiz_form_class(version, locale)()
    form.questions = [(q, form[f"q{q.id}"]) for q in version.questions]
    return form


@lru_cache(maxsize=128)
def quiz_form_class(version: LessonVersion, locale: str) -> type[QuizForm]:
    """Made once per version and language: versions never change once they exist."""
    required = InputRequired(message=_l("Answer this question."))

    class BoundQuizForm(QuizForm):
        pass

    for question in version.questions:
        label = localized(question.texts, locale).prompt
        shown = [(str(c.id), localized(c.texts, locale).text) for c in display_order(question)]
        if question.kind == "order":
            field = OrderField(label, steps=shown)
        else:
            field_class = CheckboxesField if question.kind == "multiple" else RadioField
            field = field_class(
                label,
                choices=[SelectChoice(value, text) for value, text in shown],
                validate_choice=False,
                validators=[required, KnownChoices()],
            )
        setattr(BoundQuizForm, f"q{question.id}", field)
    return BoundQuizForm
