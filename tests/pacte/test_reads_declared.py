"""pacte.audit.reads: a view declares what it shows, and each response that shows it logs
it, whatever the method; nothing else does."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.test import RequestFactory

from pacte import audit
from pacte.audit import reads, record, rows
from pacte.models import AccessAction, AccessLog
from pacte.roles import Role

pytestmark = pytest.mark.django_db


def request_of(user, method="get"):
    request = getattr(RequestFactory(), method)("/jeunes/1/")
    request.user = user
    return request


def page(participant, **context):
    return lambda request: TemplateResponse(
        request, "base.html", {"participant": participant, **context}
    )


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_a_page_that_shows_a_record_logs_it_whatever_the_method(users, method):
    participant = users["participant"]
    view = reads(record("participant"))(page(participant))

    view(request_of(users[Role.COUNSELLOR], method))

    entry = AccessLog.objects.get()
    assert (entry.action, entry.object_type, entry.participant_id) == (
        AccessAction.READ,
        "participant",
        participant.pk,
    )


def test_a_list_logs_its_number_of_rows_from_the_page(users):
    page_obj = Paginator(list(range(120)), 50).get_page(2)
    view = reads(rows("participant", "page_obj"))(page(None, page_obj=page_obj))

    view(request_of(users[Role.COORDINATOR]))

    entry = AccessLog.objects.get()
    assert (entry.action, entry.object_type, entry.row_count) == ("list", "participant", 120)


def test_a_redirect_or_an_error_shows_nothing_and_logs_nothing(users):
    redirecting = reads(record("participant"))(lambda request: HttpResponseRedirect("/"))
    refused = reads(record("participant"))(lambda request: HttpResponse(status=403))

    redirecting(request_of(users[Role.COUNSELLOR], "post"))
    refused(request_of(users[Role.COUNSELLOR]))

    assert not AccessLog.objects.exists()


def test_none_shows_nothing_a_list_of_records_one_entry_each(users):
    participant = users["participant"]
    view = reads(rows("participant", "matches"), record("shown"))(
        page(participant, matches=None, shown=[participant, participant])
    )

    view(request_of(users[Role.COORDINATOR]))

    assert list(AccessLog.objects.values_list("action", flat=True)) == ["read", "read"]


def test_a_document_hands_what_it_shows_through_its_context(users):
    participant = users["participant"]
    view = reads(record("participant", action=AccessAction.EXPORT))(
        lambda request: audit.with_context(HttpResponse(b"%PDF"), participant=participant)
    )

    view(request_of(users[Role.COORDINATOR]))

    assert AccessLog.objects.get().action == AccessAction.EXPORT


def test_a_view_that_declares_a_read_but_hides_its_context_is_a_bug(users):
    """A plain render() gives the decorator nothing to log: refused, never silent."""
    participant = users["participant"]
    hidden = reads(record("participant"))(
        lambda request: render(request, "base.html", {"participant": participant})
    )
    nobody = reads(record("participant"))(page(None))
    undeclared_name = reads(record("registration"))(page(participant))

    with pytest.raises(ImproperlyConfigured):
        hidden(request_of(users[Role.COUNSELLOR]))
    with pytest.raises(ImproperlyConfigured):
        undeclared_name(request_of(users[Role.COUNSELLOR]))
    nobody(request_of(users[Role.COUNSELLOR]))  # None: shows nobody
    assert not AccessLog.objects.exists()


def test_the_declaration_is_readable_on_the_view():
    shown = (record("participant"), rows("task", "page_obj"))
    view = reads(*shown)(lambda request: None)

    assert view.reads == shown
