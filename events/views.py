from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events import permissions, selectors, services
from events.documents import attendance_sheet_pdf, attestation_pdf, badges_pdf, convocation_pdf
from events.forms import (
    EventForm,
    EventPartnerForm,
    InviteForm,
    WalkInFileForm,
    WalkInForm,
    WalkInSearchForm,
    WithdrawForm,
    WorkshopChoiceForm,
    WorkshopForm,
    errors_as_sentences,
)
from events.models import Event, Registration, RegistrationStatus
from events.notifications import calendar_file
from pacte import audit
from pacte.attempts import attempt
from pacte.confirm import confirmation_page
from pacte.exceptions import DomainError
from pacte.permissions import rule_required
from participants.filters import ParticipantFilter
from participants.models import Participant
from participants.selectors import participants_for_list


def _require(allowed):
    if not allowed:
        raise PermissionDenied


# Each page first finds its object in the user's scope (what they may not see is a 404,
# for a recruiter probing event ids too), then checks the rule it needs (a 403).


def _event(request, pk):
    return get_object_or_404(Event.objects.visible_to(request.user), pk=pk)


def _ids(values, limit=None) -> list[int]:
    """The ids a form posted, without what is not one (a 404 or a 500 otherwise)."""
    ids = [int(v) for v in values if v.isdecimal() and len(v) <= 18]
    return ids[:limit]


@rule_required(permissions.can_list_events)
def event_list(request):
    events = selectors.events_with_counts(request.user)
    today = timezone.localdate()
    return render(
        request,
        "events/event_list.html",
        {
            "upcoming": selectors.upcoming(events, today),
            "past": events.filter(date__lt=today).order_by("-date", "-pk"),
            "can_manage": permissions.can_manage_events(request.user),
        },
    )


@rule_required(permissions.can_manage_events)
def event_create(request):
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = services.event_create(by=request.user, form=form)
        messages.success(request, _("Le Café-métiers est créé."))
        return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


def event_update(request, pk):
    event = _event(request, pk)
    _require(permissions.can_manage_event(request.user, event))
    was_open = event.status == "open"
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST":
        updated = attempt(lambda: services.event_update(by=request.user, form=form), form=form)
        if updated is None:
            return render(request, "events/event_form.html", {"form": form, "event": event})
        event, rescheduled = updated
        messages.success(request, _("Le Café-métiers est enregistré."))
        if event.status == "open" and not was_open:
            queued = services.convocations_send(event=event)
            messages.info(
                request,
                ngettext(
                    "%(n)s convocation part : son état s’affiche pour chaque inscription.",
                    "%(n)s convocations partent : leur état s’affiche pour chaque inscription.",
                    queued,
                )
                % {"n": queued},
            )
        elif rescheduled:
            sent = services.change_notices_send(event=event)
            messages.info(
                request,
                ngettext(
                    "Changement annoncé aux personnes invitées : %(n)s message part.",
                    "Changement annoncé aux personnes invitées : %(n)s messages partent.",
                    sent,
                )
                % {"n": sent},
            )
        return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


def _invitable(user, event):
    """Participants the user may register and who are not registered yet."""
    return (
        Participant.objects.editable_by(user)
        .filter(territory_id=event.territory_id)
        .exclude(
            registrations__event=event,
            registrations__status__in=[
                s for s in RegistrationStatus if s != RegistrationStatus.CANCELLED
            ],
        )
        .exclude(status="exited")
        .select_related("structure_in_charge")
    )


def _invite_suggestions(request, event, query):
    """Whom the user may invite whose name holds the query: a button each, one tap."""
    suggestions = list(
        selectors.participants_matching(_invitable(request.user, event), query).order_by(
            "last_name", "first_name", "pk"
        )
    )
    if suggestions:
        audit.log_list(request, "participant", len(suggestions))
    return suggestions


def event_detail(request, pk):
    event = selectors.event_for_page(request.user, pk)
    _require(permissions.can_list_events(request.user))
    can_invite = request.user.role in {"coordinator", "counsellor"} and (
        event.territory_id == request.user.territory_id
    )
    invite_query = request.GET.get("inviter", "")[: selectors.SEARCH_MAX_LENGTH].strip()
    if request.htmx and request.htmx.target == "suggestions-invitation":
        _require(can_invite)
        return render(
            request,
            "events/_invite_suggestions.html",
            {
                "event": event,
                "invite_query": invite_query,
                "suggestions": _invite_suggestions(request, event, invite_query),
            },
        )
    query = request.GET.get("q", "")[: selectors.SEARCH_MAX_LENGTH]
    status = request.GET.get("etat", "")
    registrations = selectors.registrations_with_deliveries(
        request.user, event, query=query, status=status
    )
    audit.log_list(request, "registration", len(registrations))
    context = {
        "event": event,
        "registrations": registrations,
        "query": query,
        "status": status if status in RegistrationStatus.values else "",
        "status_choices": RegistrationStatus.choices,
        "filtered": bool(query.strip() or status in RegistrationStatus.values),
        "outside_hours": selectors.outside_allowed_hours(event, registrations, request.user),
        # Whose convocation did not go, and the user may send again.
        "resendable": {
            r.pk
            for r in registrations
            if r.deliveries.convocation_not_delivered
            and permissions.can_register(request.user, event, r.participant)
            and not services.convocation_refusal(r)
        },
    }
    if request.htmx and request.htmx.target == "inscriptions":
        context["workshops"] = event.workshops.all()
        return render(request, "events/_registrations.html", context)
    return render(
        request,
        "events/event_detail.html",
        {
            **context,
            "can_invite": can_invite,
            "suggestions": _invite_suggestions(request, event, invite_query)
            if can_invite and invite_query
            else None,
            "invite_query": invite_query,
            "can_manage": permissions.can_manage_event(request.user, event),
            "is_staff": permissions.is_on_check_in_team(request.user, event),
            "workshops": event.workshops.select_related("facilitator"),
            "workshop_choice": WorkshopChoiceForm(event=event),
            "tables": event.tables.select_related("partner").annotate(
                interview_count=Count("interviews")
            ),
            "partners": event.partners.select_related("partner").prefetch_related("offers"),
        },
    )


@require_POST
def registration_create(request, pk):
    event = _event(request, pk)
    _require(permissions.can_list_events(request.user))
    form = InviteForm(request.POST, participants=_invitable(request.user, event))
    if form.is_valid():
        try:
            registration = services.registration_invite(
                by=request.user, event=event, participant=form.cleaned_data["participant"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            _announce(request, registration)
    else:
        messages.error(request, _("Choisissez un jeune dans la liste."))
    return redirect("events:detail", pk=event.pk)


def _announce(request, registration):
    if registration.status == RegistrationStatus.WAITING:
        messages.warning(
            request,
            _("Le Café-métiers est complet : %(p)s est sur liste d’attente.")
            % {"p": registration.participant},
        )
    else:
        messages.success(request, _("%(p)s est invité(e).") % {"p": registration.participant})


# As many as the page lists, and as many invited in one go.
BULK_LIMIT = 500


def bulk_invite(request, pk):
    """Invite every participant of a filtered list at once."""
    event = _event(request, pk)
    _require(permissions.can_manage_event(request.user, event))
    participant_filter = ParticipantFilter(
        request.GET or None, queryset=participants_for_list(request.user), user=request.user
    )
    candidates = participant_filter.qs.filter(pk__in=_invitable(request.user, event))
    if request.method == "POST":
        chosen = candidates.filter(pk__in=_ids(request.POST.getlist("participants"), BULK_LIMIT))
        done = services.registrations_invite(by=request.user, event=event, participants=chosen)
        messages.success(
            request,
            _("%(invited)s, %(waiting)s en liste d’attente, %(skipped)s.")
            % {
                "invited": ngettext("%(n)s invité", "%(n)s invités", done["invited"])
                % {"n": done["invited"]},
                "waiting": done["waiting"],
                "skipped": ngettext("%(n)s déjà inscrit", "%(n)s déjà inscrits", done["skipped"])
                % {"n": done["skipped"]},
            },
        )
        return redirect("events:detail", pk=event.pk)
    candidates = list(candidates[:BULK_LIMIT])
    audit.log_list(request, "participant", len(candidates))
    return render(
        request,
        "events/bulk_invite.html",
        {
            "event": event,
            "filter": participant_filter,
            "candidates": candidates,
        },
    )


def _registration(request, pk):
    """A registration in the user's scope (404), for a role that works on events (403)."""
    registration = selectors.registration_in_scope(request.user, pk)
    _require(permissions.can_list_events(request.user))
    return registration


@require_POST
def registration_confirm(request, pk):
    registration = _registration(request, pk)
    attempt(
        lambda: services.registration_confirm(by=request.user, registration=registration),
        request=request,
        success=_("Participation de %(p)s confirmée.") % {"p": registration.participant},
    )
    return redirect("events:detail", pk=registration.event_id)


def registration_withdraw(request, pk):
    registration = _registration(request, pk)
    if request.method != "POST":
        # Cancelling frees the place for the waiting list: asked first (pacte.confirm).
        return confirmation_page(
            request,
            title=_("Annuler l’inscription de %(p)s ?") % {"p": registration.participant},
            text=_(
                "La place est libérée : la première personne de la liste d’attente est invitée "
                "et reçoit sa convocation. Le jeune ne reçoit plus de rappel."
            ),
            confirm_label=_("Annuler l’inscription"),
            cancel_url=reverse("events:detail", args=[registration.event_id]),
            hidden={"status": RegistrationStatus.CANCELLED},
        )
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez « annulé » ou « excusé »."))
        return redirect("events:detail", pk=registration.event_id)
    try:
        _withdrawn, promoted = services.registration_withdraw(
            by=request.user, registration=registration, status=form.cleaned_data["status"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("L’inscription de %(p)s est retirée.") % {"p": registration.participant}
        )
        if promoted is not None:
            messages.info(
                request,
                _("%(p)s quitte la liste d’attente et est invité(e).")
                % {"p": promoted.participant},
            )
    return redirect("events:detail", pk=registration.event_id)


def _managed_event(request, pk):
    event = _event(request, pk)
    _require(permissions.can_manage_event(request.user, event))
    return event


def _event_part_form(request, pk, form_class, title, done_message):
    """Add a workshop or a partner present: the same small page for both."""
    event = _managed_event(request, pk)
    form = form_class(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        part = form.save(commit=False)
        part.event = event
        part.save()
        form.save_m2m()
        audit.log_write(user=request.user, obj=part, created=True)
        messages.success(request, done_message)
        return redirect("events:detail", pk=event.pk)
    return render(
        request, "events/event_part_form.html", {"form": form, "event": event, "title": title}
    )


def workshop_create(request, pk):
    return _event_part_form(
        request, pk, WorkshopForm, _("Ajouter un atelier"), _("L’atelier est ajouté.")
    )


def event_partner_create(request, pk):
    return _event_part_form(
        request,
        pk,
        EventPartnerForm,
        _("Ajouter un partenaire présent"),
        _("Le partenaire est ajouté."),
    )


def workshop_attendance_sheet(request, pk, workshop_pk):
    event = _managed_event(request, pk)
    workshop = get_object_or_404(event.workshops, pk=workshop_pk)
    audit.log_list(request, "registration", workshop.registrations.count(), action="export")
    return attendance_sheet_pdf(request, event, workshop)


@require_POST
def registration_workshop(request, pk):
    """Put a registered participant in a workshop (never two at the same time)."""
    registration = _registration(request, pk)
    form = WorkshopChoiceForm(request.POST, event=registration.event)
    if not form.is_valid():
        messages.error(request, _("Choisissez un atelier."))
    else:
        try:
            services.workshop_join(
                by=request.user, registration=registration, workshop=form.cleaned_data["workshop"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(p)s participera à l’atelier « %(w)s ».")
                % {"p": registration.participant, "w": form.cleaned_data["workshop"]},
            )
    return redirect("events:detail", pk=registration.event_id)


@require_POST
def registration_reminders(request, pk):
    """Pause (or resume) the reminders for one young person."""
    registration = _registration(request, pk)
    paused = request.POST.get("paused") == "1"
    try:
        services.reminders_pause(by=request.user, registration=registration, paused=paused)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            (_("Rappels suspendus pour %(p)s.") if paused else _("Rappels rétablis pour %(p)s."))
            % {"p": registration.participant},
        )
    return redirect("events:detail", pk=registration.event_id)


@require_POST
def convocation_resend(request, pk):
    """Send again a convocation that failed, or that nobody knows went."""
    registration = _registration(request, pk)
    _require(permissions.can_register(request.user, registration.event, registration.participant))
    try:
        queued = services.convocation_resend(by=request.user, registration=registration)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "La convocation de %(p)s repart (%(n)s message) : son état s’affiche ci-dessous.",
                "La convocation de %(p)s repart (%(n)s messages) : leur état s’affiche ci-dessous.",
                queued,
            )
            % {"p": registration.participant, "n": queued},
        )
    # The top of the page, where the notice (or the refusal) is read.
    return redirect("events:detail", pk=registration.event_id)


# Check-in on the day ---------------------------------------------------------------


def _team_event(request, pk):
    """The event, for its check-in team (anyone else: a 404, as for an event not theirs)."""
    event = _event(request, pk)
    if not permissions.is_on_check_in_team(request.user, event):
        raise Http404
    return event


def _check_in_context(request, event, *, file_form=None):
    query = request.GET.get("q", "")[: selectors.SEARCH_MAX_LENGTH]
    registrations = list(selectors.check_in_list(event, query))
    audit.log_list(request, "registration", len(registrations))
    search = WalkInSearchForm(request.GET if "nom" in request.GET else None)
    matches = None
    if search.is_valid():
        matches = selectors.walk_in_matches(
            event, search.cleaned_data["nom"], search.cleaned_data["naissance"]
        )
        audit.log_list(request, "participant", len(matches))
        if file_form is None:
            file_form = WalkInFileForm(
                event=event, initial={"birth_date": search.cleaned_data["naissance"]}
            )
    return {
        "event": event,
        "registrations": registrations,
        "query": query,
        "counters": selectors.counters(event),
        "walk_in_search": search,
        "walk_in_matches": matches,
        "walk_in_file_form": file_form,
        "can_admit_beyond": permissions.can_manage_event(request.user, event),
    }


def check_in(request, pk):
    event = _team_event(request, pk)
    if not permissions.check_in_is_open(event):
        # Before the day, when it opens; after it, the paper sheet (not a 404).
        return render(
            request,
            "events/check_in_closed.html",
            {
                "event": event,
                "before": event.date > timezone.localdate(),
                "can_enter_paper": permissions.can_manage_event(request.user, event),
            },
        )
    context = _check_in_context(request, event)
    if request.htmx and request.htmx.target == "walk-in-results":
        return render(request, "events/_walk_in_results.html", context)
    if request.htmx:
        return render(request, "events/_check_in_results.html", context)
    return render(request, "events/check_in.html", context)


def check_in_counters(request, pk):
    event = _team_event(request, pk)
    return render(
        request, "events/_counters.html", {"event": event, "counters": selectors.counters(event)}
    )


def _check_in_change(request, pk, change, done_message):
    """Mark present or undo it; with htmx, the row and the counter come back at once."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "participant"), pk=pk
    )
    _team_event(request, registration.event_id)
    try:
        registration = change(by=request.user, registration=registration)
    except DomainError as error:
        error_message = error.message
    else:
        error_message = None
    if request.htmx:
        audit.shown(request, registration)  # the row sent back names the person
        return render(
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


@require_POST
def check_in_mark(request, pk):
    return _check_in_change(request, pk, services.check_in, _("%(p)s est présent(e)."))


@require_POST
def check_in_undo(request, pk):
    return _check_in_change(
        request, pk, services.check_in_undo, _("La présence de %(p)s est annulée.")
    )


def check_in_token(request, token):
    """The QR code of a convocation opens this page for staff: one tap checks in."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "participant"), check_in_token=token
    )
    event = _team_event(request, registration.event_id)
    if not permissions.check_in_is_open(event):
        return redirect("events:check_in", pk=event.pk)
    audit.shown(request, registration)
    return render(
        request,
        "events/check_in_token.html",
        {"registration": registration, "event": registration.event},
    )


@require_POST
def walk_in(request, pk):
    """Admit someone whose file the walk-in search found."""
    event = _team_event(request, pk)
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


@require_POST
def walk_in_create(request, pk):
    """No file found: a short « orienté » file, and checked in, in one step."""
    event = _team_event(request, pk)
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
    return render(
        request, "events/check_in.html", _check_in_context(request, event, file_form=form)
    )


def attendance(request, pk):
    """After a day on paper: tick who signed the sheet."""
    event = _event(request, pk)
    _require(permissions.can_manage_event(request.user, event))
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
    if request.method == "POST":
        counts = services.attendance_mark(
            by=request.user, event=event, present_ids=_ids(request.POST.getlist("present"))
        )
        messages.success(
            request,
            _("Émargement enregistré : %(present)s, %(absent)s.")
            % {
                "present": ngettext("%(n)s présent", "%(n)s présents", counts["present"])
                % {"n": counts["present"]},
                "absent": ngettext("%(n)s absent", "%(n)s absents", counts["absent"])
                % {"n": counts["absent"]},
            },
        )
        return redirect("events:detail", pk=event.pk)
    audit.log_list(request, "registration", len(expected))
    return render(request, "events/attendance.html", {"event": event, "expected": expected})


def _event_document(request, pk, builder, *args):
    event = _event(request, pk)
    _require(permissions.can_manage_event(request.user, event))
    audit.log_list(request, "registration", event.registrations.count(), action="export")
    return builder(request, event, *args)


def attendance_sheet(request, pk):
    return _event_document(request, pk, attendance_sheet_pdf)


def badges(request, pk):
    return _event_document(request, pk, badges_pdf)


def _registration_document(request, pk, builder):
    registration = _registration(request, pk)
    _require(permissions.can_register(request.user, registration.event, registration.participant))
    audit.log_read(request, registration, action="export")
    return builder(request, registration)


def _holding_a_place(request, pk):
    """A convocation and its calendar entry are for those who hold a place: never for the
    waiting list (they are told they are on it), the cancelled or the excused."""
    if _registration(request, pk).status not in RegistrationStatus.holding_a_place():
        raise Http404


def convocation(request, pk):
    _holding_a_place(request, pk)
    return _registration_document(request, pk, convocation_pdf)


def _calendar_response(request, registration):
    response = HttpResponse(
        calendar_file(registration), content_type="text/calendar; charset=utf-8"
    )
    name = f"cafe-metiers-{registration.event.date:%Y-%m-%d}.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def calendar_download(request, pk):
    """The registration's calendar entry (.ics), as the convocation e-mail attaches it."""
    _holding_a_place(request, pk)
    return _registration_document(request, pk, _calendar_response)


def attestation(request, pk):
    registration = _registration(request, pk)
    if registration.status != RegistrationStatus.PRESENT:
        raise Http404
    return _registration_document(request, pk, attestation_pdf)
