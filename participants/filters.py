import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from pacte.filters import YES_NO_ALL, StableOrderingFilter
from pacte.models import Structure, User
from pacte.roles import Role
from participants.eligibility import search_key
from participants.models import Participant, ProgrammeYear, Status


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom ou prénom"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=Status.choices, empty_label=_("Tous")
    )
    structure_in_charge = django_filters.ModelChoiceFilter(
        label=_("Structure référente"), queryset=Structure.objects.none(), empty_label=_("Toutes")
    )
    referent = django_filters.ModelChoiceFilter(
        label=_("Référent ou référente"), queryset=User.objects.none(), empty_label=_("Tous")
    )
    programme_year = django_filters.ModelChoiceFilter(
        label=_("Année"), queryset=ProgrammeYear.objects.none(), empty_label=_("Toutes")
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
        self.filters["structure_in_charge"].queryset = structures
        self.filters["referent"].queryset = User.objects.filter(
            role=Role.COUNSELLOR, structure__in=structures
        )
        self.filters["programme_year"].queryset = ProgrammeYear.objects.filter(
            territory_id=user.territory_id
        )

    def search(self, queryset, name, value):
        for word in search_key(value).split():
            queryset = queryset.filter(search_name__contains=word)
        return queryset

    def filter_attention(self, queryset, name, value):
        flagged = queryset.needs_attention(self.user).values("pk")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)
