"""Teachers' forms."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired

from ..forms import AppForm
from ..validators import VisibleText


class ClassForm(AppForm):
    name = StringField(
        _l("Name of the class"),
        validators=[InputRequired(message=_l("Give the class a name.")), VisibleText(120)],
    )


class ActionForm(AppForm):
    """A button that changes something: only its CSRF token is checked."""
