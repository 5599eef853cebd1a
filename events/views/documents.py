"""The documents handed out: the event's (attendance sheets, badges), each logged as an
export of its registrations, and a registration's (convocation, calendar entry,
attestation), each logged as an export of that registration."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from events import permissions
from events.documents import attendance_sheet_pdf, attestation_pdf, badges_pdf, convocation_pdf
from events.models import RegistrationStatus
from events.notifications import calendar_file
from events.views.scope import event_registration, managed_event, require
from pacte import audit
from pacte.audit import reads, record, rows
from pacte.models import AccessAction

# The event's registrations, whatever their status: their number (`exported`).
EXPORTS_REGISTRATIONS = rows("registration", "exported", action=AccessAction.EXPORT)
EXPORTS_REGISTRATION = record("registration", action=AccessAction.EXPORT)


@reads(EXPORTS_REGISTRATIONS)
def workshop_attendance_sheet(request, pk, workshop_pk):
    event = managed_event(request, pk)
    workshop = get_object_or_404(event.workshops, pk=workshop_pk)
    exported = workshop.registrations.count()
    return audit.with_context(attendance_sheet_pdf(request, event, workshop), exported=exported)


def _event_document(request, pk, builder, *args):
    event = managed_event(request, pk)
    exported = event.registrations.count()
    return audit.with_context(builder(request, event, *args), exported=exported)


@reads(EXPORTS_REGISTRATIONS)
def attendance_sheet(request, pk):
    return _event_document(request, pk, attendance_sheet_pdf)


@reads(EXPORTS_REGISTRATIONS)
def badges(request, pk):
    return _event_document(request, pk, badges_pdf)


def _registration_document(request, pk, builder):
    registration = event_registration(request, pk)
    require(permissions.can_register(request.user, registration.event, registration.participant))
    return audit.with_context(builder(request, registration), registration=registration)


def _holding_a_place(request, pk):
    """A convocation and its calendar entry are for those who hold a place: never for the
    waiting list (they are told they are on it), the cancelled or the excused."""
    if event_registration(request, pk).status not in RegistrationStatus.holding_a_place():
        raise Http404


@reads(EXPORTS_REGISTRATION)
def convocation(request, pk):
    _holding_a_place(request, pk)
    return _registration_document(request, pk, convocation_pdf)


def calendar_response(request, registration):
    response = HttpResponse(
        calendar_file(registration), content_type="text/calendar; charset=utf-8"
    )
    name = f"cafe-metiers-{registration.event.date:%Y-%m-%d}.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@reads(EXPORTS_REGISTRATION)
def calendar_download(request, pk):
    """The registration's calendar entry (.ics), as the convocation e-mail attaches it."""
    _holding_a_place(request, pk)
    return _registration_document(request, pk, calendar_response)


@reads(EXPORTS_REGISTRATION)
def attestation(request, pk):
    registration = event_registration(request, pk)
    if registration.status != RegistrationStatus.PRESENT:
        raise Http404
    return _registration_document(request, pk, attestation_pdf)
