from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from pacte import audit
from pacte.models import Structure, Territory, User
from pacte.signals import territory_created

admin.site.site_header = "Pacte 2ème chance — administration"
admin.site.site_title = "Pacte 2ème chance"
admin.site.index_title = "Administration"


class LoggedWritesAdmin:
    """Mixin of a ModelAdmin: what the admin site writes is in the access log, as what
    the application's pages write — the record, its inlines' rows, and deletions (logged
    before the row goes, in the admin's own transaction)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log_write(user=request.user, obj=obj, created=not change)

    def save_formset(self, request, form, formset, change):
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                audit.log_write(user=request.user, obj=deleted.instance, deleted=True)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.log_write(user=request.user, obj=obj, created=True)
        for obj, _fields in formset.changed_objects:
            audit.log_write(user=request.user, obj=obj)

    def delete_model(self, request, obj):
        audit.log_write(user=request.user, obj=obj, deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.log_write(user=request.user, obj=obj, deleted=True)
        super().delete_queryset(request, queryset)


class AdministratorsOnly(LoggedWritesAdmin):
    """The technical part of the admin site is for administrators only.

    Coordinators are staff for the partner section; they manage accounts in the
    application's own pages (scoped to their territory), not here, where every
    account of every territory would be listed.
    """

    def _administrator(self, request, *args, **kwargs):
        return request.user.is_active and request.user.is_superuser

    has_module_permission = _administrator
    has_view_permission = _administrator
    has_add_permission = _administrator
    has_change_permission = _administrator
    has_delete_permission = _administrator


@admin.register(Territory)
class TerritoryAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "prefecture_name",
        "reminder_days_before",
        "morning_reminder",
        "waiting_offer_hours",
    ]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            territory_created.send(sender=Territory, territory=obj)


@admin.register(Structure)
class StructureAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "territory"]
    list_filter = ["kind", "territory"]
    list_select_related = ["territory"]
    search_fields = ["name"]


@admin.register(User)
class AccountAdmin(AdministratorsOnly, UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "structure", "is_active"]
    list_filter = ["role", "is_active", "structure__territory"]
    list_select_related = ["structure"]
    fieldsets = UserAdmin.fieldsets + (
        ("Pacte", {"fields": ("role", "structure", "phone", "expires_on")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Pacte", {"fields": ("role", "structure", "email", "first_name", "last_name")}),
    )
