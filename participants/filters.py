from functools import cache, partial

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from pacte.filters import YES_NO_ALL, StableOrderingFilter
from participants import directory
from participants.eligibility import search_key
from participants.models import Participant, Status


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom ou prénom"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=Status.choices, empty_label=_("Tous")
    )
    # Choices read as plain values (no model instance, no server-side cursor each): a
    # large territory has hundreds of counsellors.
    structure_in_charge = django_filters.ChoiceFilter(
        label=_("Structure référente"), choices=[], empty_label=_("Toutes")
    )
    referent = django_filters.ChoiceFilter(
        label=_("Référent ou référente"), choices=[], empty_label=_("Tous")
    )
    programme_year = django_filters.ChoiceFilter(
        label=_("Année"), choices=[], empty_label=_("Toutes")
    )
    lives_in_qpv = django_filters.BooleanFilter(label=_("Habite un QPV"), widget=YES_NO_ALL)
    attention = django_filters.BooleanFilter(
        label=_("À suivre"), method="filter_attention", widget=YES_NO_ALL
    )
    sort = StableOrderingFilter(
        widget=forms.HiddenInput,
        fields=(
            ("last_name", "name"),
            ("enrolled_on", "enrolled_on"),
            ("last_follow_up_on", "last_follow_up"),
        ),
        field_labels={
            "name": _("Nom"),
            "enrolled_on": _("Entrée"),
            "last_follow_up": _("Dernier suivi"),
        },
    )

    class Meta:
        model = Participant
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The three lists, when first needed (validating a choice, rendering the
        # filters): from the cache, else read in one query.
        self.choices = cache(partial(directory.territory_choices, user))
        for name in CHOICE_FIELDS:
            self.filters[name].extra["choices"] = partial(
                lambda name: self.choices().lists[name], name
            )
        self.filters["referent"].extra["choices"] = self.referent_choices
        if len(self.choices().lists["referent"]) > REFERENTS_LISTED_IN_FULL:
            self.filters["referent"].extra["help_text"] = _(
                "Ceux de la structure référente choisie (ou de la vôtre) : choisissez-la "
                "puis filtrez."
            )

    def referent_choices(self) -> list[tuple[int, str]]:
        """Every counsellor of the territory while they are few; in a large territory
        (hundreds: a list nobody can read, and the page's slowest part), those of the
        structure chosen, else of the user's own, else none until a structure is chosen.
        A referent already chosen stays offered."""
        choices = self.choices()
        everyone = choices.lists["referent"]
        if len(everyone) <= REFERENTS_LISTED_IN_FULL:
            return everyone
        structures = {self.data.get("structure_in_charge"), self.user.structure_id}
        kept = choices.referents(
            int(pk) for pk in structures if pk and str(pk).isdigit() and len(str(pk)) < 12
        )
        chosen = str(self.data.get("referent", ""))
        already = [(pk, label) for pk, label in everyone if str(pk) == chosen]
        return kept + [choice for choice in already if choice not in kept]

    def search(self, queryset, name, value):
        for word in search_key(value).split():
            queryset = queryset.filter(search_name__contains=word)
        return queryset

    def filter_attention(self, queryset, name, value):
        flagged = queryset.needs_attention(self.user).values("pk")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)


CHOICE_FIELDS = directory.LISTS
# Up to this many counsellors, the referent filter lists them all (the demo's territory
# has a dozen; Paris at national scale, 500).
REFERENTS_LISTED_IN_FULL = 80
