"""The steering layer's forms: the period of a report."""

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from steering.reports import MONTH, QUARTER, Period


class PeriodForm(forms.Form):
    """The period of a report: a year, one of its quarters or one of its months."""

    FIRST_YEAR = 2010

    periode = forms.ChoiceField(
        label=_("Période"),
        choices=[
            ("annee", _("Une année")),
            ("trimestre", _("Un trimestre")),
            ("mois", _("Un mois")),
        ],
    )
    annee = forms.IntegerField(label=_("Année"))
    trimestre = forms.TypedChoiceField(
        label=_("Trimestre"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("—")),
            (1, _("1er trimestre (janvier à mars)")),
            (2, _("2e trimestre (avril à juin)")),
            (3, _("3e trimestre (juillet à septembre)")),
            (4, _("4e trimestre (octobre à décembre)")),
        ],
    )
    mois = forms.TypedChoiceField(
        label=_("Mois"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("—"))] + [(number, name) for number, name in MONTHS.items()],
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["annee"].help_text = _("De %(first)s à %(last)s.") % {
            "first": self.FIRST_YEAR,
            "last": self.today.year,
        }

    def clean_annee(self):
        year = self.cleaned_data["annee"]
        if not self.FIRST_YEAR <= year <= self.today.year:
            raise forms.ValidationError(
                _("Indiquez une année entre %(first)s et %(last)s.")
                % {"first": self.FIRST_YEAR, "last": self.today.year}
            )
        return year

    def clean(self):
        data = super().clean()
        kind, year = data.get("periode"), data.get("annee")
        if kind is None or year is None:
            return data
        number = None
        if kind == QUARTER:
            number = data.get("trimestre")
            if number is None:
                self.add_error("trimestre", _("Choisissez le trimestre du rapport."))
                return data
        elif kind == MONTH:
            number = data.get("mois")
            if number is None:
                self.add_error("mois", _("Choisissez le mois du rapport."))
                return data
        period = Period(kind, year, number)
        if period.start > self.today:
            self.add_error(
                "trimestre" if kind == QUARTER else "mois",
                _(
                    "Cette période n’a pas encore commencé : "
                    "choisissez une période passée ou en cours."
                ),
            )
            return data
        data["period"] = period
        return data
