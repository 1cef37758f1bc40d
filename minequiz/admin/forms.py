"""Forms for staff accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, Regexp

from ..forms import AppForm
from ..services.accounts import USERNAME
from ..validators import VisibleText


class StaffForm(AppForm):
    username = StringField(
        _l("Username"),
        validators=[
            InputRequired(message=_l("Fill in this field.")),
            Regexp(USERNAME, message=_l("2 to 64 letters, digits, dots, dashes or underscores.")),
        ],
    )
    display_name = StringField(_l("Full name"), validators=[Optional(), VisibleText(80)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("teacher", _l("Teacher")),
            SelectChoice("editor", _l("Editor")),
            SelectChoice("admin", _l("Administrator")),
        ],
    )
