from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from pacte.models import Structure, Territory, User

admin.site.site_header = "Pacte 2ème chance — administration"
admin.site.site_title = "Pacte 2ème chance"
admin.site.index_title = "Administration"


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "prefecture_name"]
    search_fields = ["code", "name"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory"]
    list_filter = ["kind", "territory"]
    list_select_related = ["territory"]
    search_fields = ["name"]


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "structure", "is_active"]
    list_filter = ["role", "is_active", "structure__territory"]
    list_select_related = ["structure"]
    fieldsets = UserAdmin.fieldsets + (
        ("Pacte", {"fields": ("role", "structure", "phone", "expires_on")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Pacte", {"fields": ("role", "structure", "email", "first_name", "last_name")}),
    )
