"""The bench's references, on the same middleware stack as the pages measured.

- bare: one participant fetched by primary key, answered without a template;
- the floor: the same, rendered in the base layout;
- the peer: Django's admin changelist of participants with the list's columns and
  page size, tuned with list_select_related.

None is in the project's URLconf: the bench serves them from `bench.urls`.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html

from participants.models import Participant
from participants.views import PAGE_SIZE


def _participant(request, pk):
    return get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)


def bare(request, pk):
    participant = _participant(request, pk)
    return HttpResponse(format_html("{} {}", participant.first_name, participant.last_name.upper()))


def floor(request, pk):
    participant = _participant(request, pk)
    return render(request, "bench/floor.html", {"participant": participant})


class PeerParticipantAdmin(admin.ModelAdmin):
    """The participants list as Django's admin would show it, its relations joined."""

    list_display = [
        "last_name",
        "first_name",
        "status",
        "referent",
        "structure_in_charge",
        "enrolled_on",
        "programme_year",
        "last_follow_up_on",
    ]
    list_filter = ["status", "lives_in_qpv", "structure_in_charge"]
    # The same lookup as the list's search: the comparison is about the stack.
    search_fields = ["search_name__contains"]
    list_per_page = PAGE_SIZE
    list_select_related = ["referent", "structure_in_charge", "programme_year"]
    ordering = ["last_name", "first_name", "pk"]

    def get_queryset(self, request):
        return Participant.objects.visible_to(request.user)

    # The bench's coordinator reads the rows the list shows, nothing else is opened.
    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


tuned_site = admin.AdminSite(name="bench_tuned")
tuned_site.register(Participant, PeerParticipantAdmin)
