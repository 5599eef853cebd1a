"""Bounds of what people type: dates and free text. Each bound is written once here and
used three ways: model validators (forms built from models inherit them), form fields
that have no model field, and database check constraints (nothing bypasses them)."""

import datetime as dt

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
TEXT_MAX = 10_000  # a follow-up's summary, notes, a decision
REASON_MAX = 2_000  # a motif: why a status, a referent or an eligibility changed

DATE_MESSAGE = _("Indiquez une date entre le 1er janvier 1990 et le 31 décembre 2100.")
DATE_VALIDATORS = [
    MinValueValidator(FIRST_DATE, message=DATE_MESSAGE),
    MaxValueValidator(LAST_DATE, message=DATE_MESSAGE),
]


def text_validators(limit=TEXT_MAX):
    return [MaxLengthValidator(limit)]


def date_constraint(model_name: str, *fields: str) -> models.CheckConstraint:
    """The dates of a row within FIRST_DATE and LAST_DATE (an empty one passes)."""
    condition = models.Q()
    for field in fields:
        condition &= models.Q(**{f"{field}__isnull": True}) | models.Q(
            **{f"{field}__gte": FIRST_DATE, f"{field}__lte": LAST_DATE}
        )
    return models.CheckConstraint(condition=condition, name=f"{model_name}_dates_bounded")


def length_at_most(field: str, limit: int):
    """A length check the database does cheaply (LENGTH counts characters)."""
    return LessThanOrEqual(Length(field), limit)


def text_constraint(model_name: str, field: str, limit=TEXT_MAX) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=length_at_most(field, limit), name=f"{model_name}_{field}_bounded"
    )


class BoundedDateField(forms.DateField):
    """A form's date with no model field behind it, within the same bounds."""

    default_validators = DATE_VALIDATORS


def reason_field(**kwargs) -> forms.CharField:
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
    return forms.CharField(max_length=REASON_MAX, **kwargs)
