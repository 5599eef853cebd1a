"""Check-in on the day (the door team's screen, the QR code, walk-ins) and, after a day
on paper, the sheet ticked afterwards."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events import permissions, selectors, services
from events.forms import WalkInFileForm, WalkInForm, WalkInSearchForm, errors_as_sentences
from events.models import Registration, RegistrationStatus
from events.views.scope import posted_ids, require, team_event, visible_event
from pacte.audit import reads, record, rows
from pacte.exceptions import DomainError
from participants.models import Participant

# What the check-in screen shows: the registrations found, and the files a walk-in search
# found (None: no search made).
SHOWS_CHECK_IN = (rows("registration", "registrations"), rows("participant", "walk_in_matches"))


def _check_in_context(request, event, *, file_form=None):
    query = request.GET.get("q", "")[: selectors.SEARCH_MAX_LENGTH]
    search = WalkInSearchForm(request.GET if "nom" in request.GET else None)
    matches = None
    if search.is_valid():
        matches = selectors.walk_in_matches(
            event, search.cleaned_data["nom"], search.cleaned_data["naissance"]
        )
        if file_form is None:
            file_form = WalkInFileForm(
                event=event, initial={"birth_date": search.cleaned_data["naissance"]}
            )
    return {
        "event": event,
        "registrations": list(selectors.check_in_list(event, query)),
        "query": query,
        "counters": selectors.counters(event),
        "walk_in_search": search,
        "walk_in_matches": matches,
        "walk_in_file_form": file_form,
        "can_admit_beyond": permissions.can_manage_event(request.user, event),
    }


def _check_in_closed(request, event):
    """Before the day, when it opens; after it, the paper sheet (not a 404)."""
    return TemplateResponse(
        request,
        "events/check_in_closed.html",
        {
            "event": event,
            "before": event.date > timezone.localdate(),
            "can_enter_paper": permissions.can_manage_event(request.user, event),
            "registrations": None,
            "walk_in_matches": None,
        },
    )


@reads(*SHOWS_CHECK_IN)
def check_in(request, pk):
    event = team_event(request, pk)
    if not permissions.check_in_is_open(event):
        return _check_in_closed(request, event)
    context = _check_in_context(request, event)
    if request.htmx and request.htmx.target == "walk-in-results":
        return TemplateResponse(request, "events/_walk_in_results.html", context)
    if request.htmx:
        return TemplateResponse(request, "events/_check_in_results.html", context)
    return TemplateResponse(request, "events/check_in.html", context)


def check_in_counters(request, pk):
    event = team_event(request, pk)
    return render(
        request, "events/_counters.html", {"event": event, "counters": selectors.counters(event)}
    )


def _check_in_change(request, pk, change, done_message):
    """Mark present or undo it; with htmx, the row and the counter come back at once."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "participant"), pk=pk
    )
    team_event(request, registration.event_id)
    try:
        registration = change(by=request.user, registration=registration)
    except DomainError as error:
        error_message = error.message
    else:
        error_message = None
    if request.htmx:  # the row sent back names the person
        return TemplateResponse(
            request,
            "events/_check_in_row.html",
            {
                "registration": registration,
                "event": registration.event,
                "counters": selectors.counters(registration.event),
                "row_error": error_message,
                "oob_counters": True,
            },
        )
    if error_message:
        messages.error(request, error_message)
    else:
        messages.success(request, done_message % {"p": registration.participant})
    return redirect("events:check_in", pk=registration.event_id)


@reads(record("registration"))
@require_POST
def check_in_mark(request, pk):
    return _check_in_change(request, pk, services.check_in, _("%(p)s est présent(e)."))


@reads(record("registration"))
@require_POST
def check_in_undo(request, pk):
    return _check_in_change(
        request, pk, services.check_in_undo, _("La présence de %(p)s est annulée.")
    )


@reads(record("registration"))
def check_in_token(request, token):
    """The QR code of a convocation opens this page for staff: one tap checks in."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "participant"), check_in_token=token
    )
    event = team_event(request, registration.event_id)
    if not permissions.check_in_is_open(event):
        return redirect("events:check_in", pk=event.pk)
    return TemplateResponse(
        request,
        "events/check_in_token.html",
        {"registration": registration, "event": registration.event},
    )


@require_POST
def walk_in(request, pk):
    """Admit someone whose file the walk-in search found."""
    event = team_event(request, pk)
    form = WalkInForm(
        request.POST,
        participants=Participant.objects.filter(territory_id=event.territory_id),
    )
    if form.is_valid():
        try:
            services.walk_in_admit(by=request.user, event=event, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(p)s est admis(e).") % {"p": form.cleaned_data["participant"]}
            )
    else:
        for message in errors_as_sentences(form):
            messages.error(request, message)
    return redirect("events:check_in", pk=event.pk)


@reads(*SHOWS_CHECK_IN)
@require_POST
def walk_in_create(request, pk):
    """No file found: a short « orienté » file, and checked in, in one step."""
    event = team_event(request, pk)
    form = WalkInFileForm(request.POST, event=event)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.walk_in_create(by=request.user, event=event, **data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "%(p)s est admis(e). Son dossier « orienté » est à compléter par la "
                    "coordination (une tâche l’attend)."
                )
                % {"p": registration.participant},
            )
            return redirect("events:check_in", pk=event.pk)
    return TemplateResponse(
        request, "events/check_in.html", _check_in_context(request, event, file_form=form)
    )


# After a day on paper ------------------------------------------------------------------


def _attendance_message(counts) -> str:
    return _("Émargement enregistré : %(present)s, %(absent)s.") % {
        "present": ngettext("%(n)s présent", "%(n)s présents", counts["present"])
        % {"n": counts["present"]},
        "absent": ngettext("%(n)s absent", "%(n)s absents", counts["absent"])
        % {"n": counts["absent"]},
    }


@reads(rows("registration", "expected"))
def attendance(request, pk):
    """After a day on paper: tick who signed the sheet."""
    event = visible_event(request, pk)
    require(permissions.can_manage_event(request.user, event))
    if request.method == "POST":
        counts = services.attendance_mark(
            by=request.user, event=event, present_ids=posted_ids(request.POST.getlist("present"))
        )
        messages.success(request, _attendance_message(counts))
        return redirect("events:detail", pk=event.pk)
    expected = (
        event.registrations.filter(
            status__in=[
                RegistrationStatus.INVITED,
                RegistrationStatus.CONFIRMED,
                RegistrationStatus.PRESENT,
                RegistrationStatus.ABSENT,
            ]
        )
        .select_related("participant")
        .order_by("participant__last_name", "pk")
    )
    return TemplateResponse(
        request, "events/attendance.html", {"event": event, "expected": expected}
    )
