"""Login, join and logout forms."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..forms import AppForm
from ..services.accounts import PROFILE_CHOICES
from ..validators import VisibleText

# Digits of any script (the services read them as 0-9), and no line break after them.
PIN_RULE = Regexp(r"^\d{4,6}\Z", message=_l("A PIN is 4 to 6 digits."))
REQUIRED = InputRequired(message=_l("Fill in this field."))
TOO_LONG = _l("Use at most %(max)d characters.")


# How the self-reported answers read, on the join form and in the teachers' group tables.
PROFILE_LABELS = {
    "under-12": _l("Under 12"),
    "12-17": _l("12 to 17"),
    "18-59": _l("18 to 59"),
    "60-plus": _l("60 or older"),
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "yes": _l("Yes"),
    "no": _l("No"),
    "unsaid": _l("Prefer not to say"),
}


def profile_options(field: str) -> list[SelectChoice]:
    values = PROFILE_CHOICES[field]
    return [SelectChoice("", _l("Choose…"))] + [SelectChoice(value, PROFILE_LABELS[value]) for value in values]


class StaffLoginForm(AppForm):
    username = StringField(_l("Username"), validators=[REQUIRED, Length(max=64, message=TOO_LONG)])
    password = PasswordField(_l("Password"), validators=[REQUIRED, Length(max=200, message=TOO_LONG)])


class StudentLoginForm(AppForm):
    code = StringField(_l("Class code"), validators=[REQUIRED, Length(max=20, message=TOO_LONG)])
    name = StringField(_l("Your name"), validators=[REQUIRED, Length(max=40, message=TOO_LONG)])
    pin = PasswordField(_l("Your PIN"), validators=[REQUIRED, PIN_RULE])


class JoinForm(AppForm):
    code = StringField(_l("Class code"), validators=[REQUIRED, Length(max=20, message=TOO_LONG)])
    name = StringField(
        _l("Your name"),
        description=_l("The name your teacher will see. Use the same name when you log in again."),
        validators=[REQUIRED, VisibleText(40)],
    )
    pin = PasswordField(
        _l("Choose a PIN"),
        description=_l("4 to 6 digits. You need it to log in on another device."),
        validators=[REQUIRED, PIN_RULE],
    )
    age_group = SelectField(_l("Age group (optional)"), choices=profile_options("age_group"), validators=[Optional()])
    gender = SelectField(_l("Gender (optional)"), choices=profile_options("gender"), validators=[Optional()])
    disability = SelectField(
        _l("Do you have a disability? (optional)"), choices=profile_options("disability"), validators=[Optional()]
    )
