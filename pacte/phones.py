"""French phone numbers: validated, stored as E.164, shown as « 06 12 34 56 78 »."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(value: str) -> str:
    """Return the E.164 form of a French number, or raise a ValidationError in French."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Numéro de téléphone illisible : écrivez-le comme 06 12 34 56 78.")
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Ce numéro n’existe pas en France : vérifiez les 10 chiffres (06 12 34 56 78).")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
