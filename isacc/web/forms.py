"""Forms (Flask-WTF carries the CSRF token in each)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length

# WTForms has no Indonesian messages of its own.
REQUIRED = _l("Fill in this field.")
TOO_LONG = _l("At most %(max)d characters.")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(message=REQUIRED), Length(max=254, message=TOO_LONG)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=REQUIRED), Length(max=256, message=TOO_LONG)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class IsellerImportForm(FlaskForm):
    since = DateField(_l("Import sales since"), validators=[DataRequired(message=_l(
        "Choose a date, such as 01/11/2026."))])
