"""Who comes: invitations (one or a whole list), confirmations, withdrawals, workshops,
reminders and convocations sent again. Each write goes back to the event's page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events import permissions, personal_links, services
from events.forms import InviteForm, WithdrawForm, WorkshopChoiceForm
from events.models import RegistrationStatus
from events.views.scope import event_registration, invitable, posted_ids, require, visible_event
from pacte import audit
from pacte.attempts import attempt
from pacte.audit import reads, record, rows
from pacte.confirm import confirmation_page
from pacte.exceptions import DomainError
from participants.filters import ParticipantFilter
from participants.selectors import participants_for_list


@require_POST
def registration_create(request, pk):
    event = visible_event(request, pk)
    require(permissions.can_list_events(request.user))
    form = InviteForm(request.POST, participants=invitable(request.user, event))
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


def _invited_message(done) -> str:
    return _("%(invited)s, %(waiting)s en liste d’attente, %(skipped)s.") % {
        "invited": ngettext("%(n)s invité", "%(n)s invités", done["invited"])
        % {"n": done["invited"]},
        "waiting": done["waiting"],
        "skipped": ngettext("%(n)s déjà inscrit", "%(n)s déjà inscrits", done["skipped"])
        % {"n": done["skipped"]},
    }


@reads(rows("participant", "candidates"))
def bulk_invite(request, pk):
    """Invite every participant of a filtered list at once."""
    event = visible_event(request, pk)
    require(permissions.can_manage_event(request.user, event))
    participant_filter = ParticipantFilter(
        request.GET or None, queryset=participants_for_list(request.user), user=request.user
    )
    candidates = participant_filter.qs.filter(pk__in=invitable(request.user, event))
    if request.method == "POST":
        chosen = candidates.filter(
            pk__in=posted_ids(request.POST.getlist("participants"), BULK_LIMIT)
        )
        done = services.registrations_invite(by=request.user, event=event, participants=chosen)
        messages.success(request, _invited_message(done))
        return redirect("events:detail", pk=event.pk)
    return TemplateResponse(
        request,
        "events/bulk_invite.html",
        {
            "event": event,
            "filter": participant_filter,
            "candidates": list(candidates[:BULK_LIMIT]),
        },
    )


@require_POST
def registration_confirm(request, pk):
    registration = event_registration(request, pk)
    attempt(
        lambda: services.registration_confirm(by=request.user, registration=registration),
        request=request,
        success=_("Participation de %(p)s confirmée.") % {"p": registration.participant},
    )
    return redirect("events:detail", pk=registration.event_id)


def _withdraw_confirmation(request, registration):
    """Cancelling frees the place for the waiting list: asked first (pacte.confirm)."""
    page = confirmation_page(
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
    return audit.with_context(page, registration=registration)  # it names the person


@reads(record("registration"))
def registration_withdraw(request, pk):
    registration = event_registration(request, pk)
    if request.method != "POST":
        return _withdraw_confirmation(request, registration)
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


@require_POST
def registration_workshop(request, pk):
    """Put a registered participant in a workshop (never two at the same time)."""
    registration = event_registration(request, pk)
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
    registration = event_registration(request, pk)
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
    registration = event_registration(request, pk)
    require(permissions.can_register(request.user, registration.event, registration.participant))
    attempt(
        lambda: services.convocation_resend(by=request.user, registration=registration),
        request=request,
        success=lambda queued: (
            ngettext(
                "La convocation de %(p)s repart (%(n)s message) : son état s’affiche ci-dessous.",
                "La convocation de %(p)s repart (%(n)s messages) : leur état s’affiche ci-dessous.",
                queued,
            )
            % {"p": registration.participant, "n": queued}
        ),
    )
    # The top of the page, where the notice (or the refusal) is read.
    return redirect("events:detail", pk=registration.event_id)


@require_POST
def personal_link_renew(request, pk):
    """A new personal link (a phone lost, a link passed on): the old one stops at once;
    the referent hands the new one over."""
    registration = event_registration(request, pk)
    require(permissions.can_register(request.user, registration.event, registration.participant))
    attempt(
        lambda: personal_links.personal_link_renew(by=request.user, registration=registration),
        request=request,
        success=lambda renewed: (
            _(
                "Nouveau lien personnel de %(p)s : %(url)s — l’ancien ne fonctionne plus. Il "
                "figurera dans les prochains messages ; transmettez-le si besoin."
            )
            % {"p": renewed.participant, "url": personal_links.personal_url(renewed, request)}
        ),
    )
    return redirect(reverse("events:detail", args=[registration.event_id]) + "#inscriptions")
