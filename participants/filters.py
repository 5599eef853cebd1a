from functools import cache, partial

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from pacte.filters import YES_NO_ALL, StableOrderingFilter
from pacte.models import Structure, User
from pacte.roles import Role
from pacte.widgets import Select
from participants.eligibility import search_key
from participants.models import Participant, ProgrammeYear, Status


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom ou prénom"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=Status.choices, empty_label=_("Tous"), widget=Select
    )
    # Choices read as plain values (no model instance, no server-side cursor each) and
    # written out by the fast Select: a large territory has hundreds of counsellors.
    structure_in_charge = django_filters.ChoiceFilter(
        label=_("Structure référente"), choices=[], empty_label=_("Toutes"), widget=Select
    )
    referent = django_filters.ChoiceFilter(
        label=_("Référent ou référente"), choices=[], empty_label=_("Tous"), widget=Select
    )
    programme_year = django_filters.ChoiceFilter(
        label=_("Année"), choices=[], empty_label=_("Toutes"), widget=Select
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
        structures = Structure.objects.in_territory_of(user)
        # Each list read once, when first needed (validating a choice, then rendering).
        self.filters["structure_in_charge"].extra["choices"] = cache(
            partial(_choices, structures.order_by("name", "pk"), "name")
        )
        self.filters["referent"].extra["choices"] = cache(partial(counsellor_choices, structures))
        self.filters["programme_year"].extra["choices"] = cache(
            partial(
                _choices,
                ProgrammeYear.objects.filter(territory_id=user.territory_id).order_by("-year"),
                "year",
            )
        )

    def search(self, queryset, name, value):
        for word in search_key(value).split():
            queryset = queryset.filter(search_name__contains=word)
        return queryset

    def filter_attention(self, queryset, name, value):
        flagged = queryset.needs_attention(self.user).values("pk")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)


def counsellor_choices(structures):
    """(id, name) of the counsellors of these structures, by name, as User.__str__ shows it."""
    rows = (
        User.objects.filter(role=Role.COUNSELLOR, structure__in=structures)
        .order_by("last_name", "first_name", "username")
        .values_list("pk", "first_name", "last_name", "username")
    )
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]


def _choices(queryset, label):
    return [(pk, str(text)) for pk, text in queryset.values_list("pk", label)]
