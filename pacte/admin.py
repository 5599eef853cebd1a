from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from pacte.models import Structure, Territory, User
from pacte.signals import territory_created

admin.site.site_header = "Pacte 2ème chance — administration"
admin.site.site_title = "Pacte 2ème chance"
admin.site.index_title = "Administration"


class AdministratorsOnly:
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
    list_display = ["code", "name", "prefecture_name", "reminder_days_before", "morning_reminder"]
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
