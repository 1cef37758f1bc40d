"""Forms for staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp


class StaffForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            InputRequired(message=_l("Fill in this field.")),
            Regexp(r"^[A-Za-z0-9._-]{2,64}$", message=_l("2 to 64 letters, digits, dots, dashes or underscores.")),
        ],
    )
    display_name = StringField(_l("Full name"), validators=[Length(max=80, message=_l("Use at most 80 characters."))])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("teacher", _l("Teacher")),
            SelectChoice("editor", _l("Editor")),
            SelectChoice("admin", _l("Administrator")),
        ],
    )
