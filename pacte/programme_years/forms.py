from django import forms
from django.utils.translation import gettext_lazy as _

from pacte.programme_years.models import ProgrammeYear
from pacte.programme_years.services import openable_years


class ProgrammeYearForm(forms.ModelForm):
    """Open a year (its number, criteria and targets) or edit one (criteria and targets)."""

    class Meta:
        model = ProgrammeYear
        fields = ["year", "criteria", "target_participants", "target_events"]
        help_texts = {
            "year": _("Une année civile, du 1er janvier au 31 décembre."),
            "target_participants": _("Le Pacte en vise au moins 100 par an."),
            "target_events": _("Le Pacte en prévoit au moins 3 par an."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["year"]
        else:
            years = openable_years()
            self.fields["year"].widget.attrs.update(min=years.start, max=years.stop - 1)

    def clean_year(self):
        year = self.cleaned_data["year"]
        years = openable_years()
        if year not in years:
            raise forms.ValidationError(
                _(
                    "Indiquez une année entre %(first)s et %(last)s : on ouvre au plus "
                    "l’année qui vient."
                )
                % {"first": years.start, "last": years.stop - 1}
            )
        return year
