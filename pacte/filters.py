import hashlib

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacte.models import AccessAction, AccessLog, Structure, User
from pacte.roles import Role

# A yes / no filter whose empty choice reads "Tous" (not Django's "Inconnu").
YES_NO_ALL = forms.Select(choices=[("", _("Tous")), ("true", _("Oui")), ("false", _("Non"))])


def fingerprint(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sortable columns whose ties fall in a fixed order, so pages never overlap."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*(qs.query.order_by or qs.model._meta.ordering), "pk")


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom, identifiant ou e-mail"), method="search")
    structure = django_filters.ModelChoiceFilter(
        label=_("Structure"), queryset=Structure.objects.none(), empty_label=_("Toutes")
    )
    role = django_filters.ChoiceFilter(label=_("Rôle"), choices=Role.choices, empty_label=_("Tous"))
    is_active = django_filters.ChoiceFilter(
        label=_("État"),
        choices=[("1", _("Actifs")), ("0", _("Désactivés"))],
        empty_label=_("Tous"),
        method="filter_active",
    )
    sort = StableOrderingFilter(
        widget=forms.HiddenInput,
        fields=(
            ("last_name", "name"),
            ("structure__name", "structure"),
            ("role", "role"),
            ("last_login", "last_login"),
        ),
        field_labels={
            "name": _("Nom"),
            "structure": _("Structure"),
            "role": _("Rôle"),
            "last_login": _("Dernière connexion"),
        },
    )

    class Meta:
        model = User
        fields = []

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["structure"].queryset = Structure.objects.in_territory_of(manager)

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
            )
        return queryset

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        label=_("Compte"), queryset=User.objects.none(), empty_label=_("Tous")
    )
    participant_id = django_filters.NumberFilter(label=_("Jeune n°"))
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AccessAction.choices, empty_label=_("Toutes")
    )
    since = django_filters.DateFilter(
        label=_("Depuis le"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AccessLog
        fields = []

    def __init__(self, *args, reader, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.all()
        if reader.role != Role.ADMINISTRATOR:
            users = users.filter(structure__territory_id=reader.territory_id)
        self.filters["user"].queryset = users
