"""Scoping of the partner section: a coordinator's rows are their territory's; the
history pages, in French."""

import datetime as dt

from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from pacte.admin import LoggedWritesAdmin
from pacte.roles import Role


def sees_all_territories(user) -> bool:
    return getattr(user, "role", None) == Role.ADMINISTRATOR


# Scoping -------------------------------------------------------------------------


class TerritoryScopedAdmin(LoggedWritesAdmin):
    """Mixin of a ModelAdmin (its writes logged): its rows are those the model's own
    `visible_to(user)` gives (an administrator's, every territory; a coordinator's, their
    territory), and an object is in scope when it is one of those rows: the rule is
    written once, in the model."""

    territory_lookup = "territory"  # from the model to its territory (the list filter)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def in_scope(self, request, obj) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def get_list_filter(self, request):
        list_filter = list(super().get_list_filter(request))
        if sees_all_territories(request.user):
            list_filter.append(self.territory_lookup)
        return list_filter


class FrenchHistoryHelper(HistoricalRecordContextHelper):
    """Choices by their label, booleans as oui/non, nothing as a dash."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, dt.date):
            return date_format(value, "SHORT_DATE_FORMAT")
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what, when; an object out of the user's scope has no history page."""

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchHistoryHelper(self.model, historical_record)

    def check_history_scope(self, request, object_id):
        # simple-history falls back on the last historical record of an object the
        # queryset does not hold (made for deleted objects): not for another territory.
        if not sees_all_territories(request.user):
            if self.get_object(request, unquote(object_id)) is None:
                raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self.check_history_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_history_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
