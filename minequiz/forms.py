"""The base of every form: Flask-WTF's, with WTForms' own messages (in the page's
language) read from their catalogue once per language rather than once per request."""

from functools import cache

from babel.support import Translations
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.i18n import messages_path


@cache
def wtforms_messages(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class PageLanguage:
    """A form Meta's messages in the page's language."""

    def get_translations(self, form):
        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return super().get_translations(form)
        return wtforms_messages(str(get_locale()))


class AppForm(FlaskForm):
    class Meta(PageLanguage, FlaskForm.Meta):
        pass


class SubForm(Form):
    """A form inside another (WTForms' FormField): no CSRF token of its own, and its
    messages in the page's language too."""

    class Meta(PageLanguage, Form.Meta):
        pass
