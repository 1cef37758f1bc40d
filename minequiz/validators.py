"""Form validators shared by the blueprints."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from .services.accounts import clean_name


class VisibleText:
    """Text that still has something to show once invisible characters and extra spaces
    are removed, and that fits its column once normalised."""

    def __init__(self, max_length: int):
        self.max_length = max_length

    def __call__(self, form, field):
        text = clean_name(field.data or "")
        if not text:
            raise StopValidation(_l("Fill in this field."))
        if len(text) > self.max_length:
            raise StopValidation(_l("Use at most %(num)d characters.", num=self.max_length))
