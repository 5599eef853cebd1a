import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacte.filters import YES_NO_ALL, StableOrderingFilter
from partners.models import Partner, PartnerKind, Sector
from partners.selectors import expiring_agreements


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom ou SIRET"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=PartnerKind.choices, empty_label=_("Tous")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Secteur"), choices=Sector.choices, empty_label=_("Tous")
    )
    is_active = django_filters.BooleanFilter(label=_("Actif"), widget=YES_NO_ALL)
    expiring = django_filters.BooleanFilter(
        label=_("Convention expirant sous 90 jours"), method="filter_expiring", widget=YES_NO_ALL
    )
    sort = StableOrderingFilter(
        widget=forms.HiddenInput,
        fields=(("name", "name"), ("agreement_ends_on", "agreement_ends_on")),
    )

    class Meta:
        model = Partner
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(siret__startswith=value.replace(" ", ""))
        )

    def filter_expiring(self, queryset, name, value):
        expiring = expiring_agreements(queryset).values("pk")
        return queryset.filter(pk__in=expiring) if value else queryset.exclude(pk__in=expiring)
