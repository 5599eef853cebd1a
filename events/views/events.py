"""The pages of a Café-métiers: the list, its form, its page, its workshops and partners."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from events import permissions, selectors, services
from events.documents import long_date
from events.forms import EventForm, EventPartnerForm, WorkshopChoiceForm, WorkshopForm
from events.models import RegistrationStatus
from events.views.scope import invitable, managed_event, require, visible_event
from pacte.attempts import attempt
from pacte.audit import reads, rows
from pacte.confirm import confirmation_page
from pacte.permissions import rule_required


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


def _announce_changes(request, event, *, opened, rescheduled):
    """Opening sends the convocations; a new date or time, a notice to those invited."""
    if opened:
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


def event_update(request, pk):
    event = visible_event(request, pk)
    require(permissions.can_manage_event(request.user, event))
    was_open = event.status == "open"
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST":
        updated = attempt(lambda: services.event_update(by=request.user, form=form), form=form)
        if updated is None:
            return render(request, "events/event_form.html", {"form": form, "event": event})
        event, rescheduled = updated
        messages.success(request, _("Le Café-métiers est enregistré."))
        opened = event.status == "open" and not was_open
        _announce_changes(request, event, opened=opened, rescheduled=rescheduled)
        return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


# The event's page --------------------------------------------------------------------


def _invite_suggestions(request, event, query):
    """Whom the user may invite whose name holds the query: a button each, one tap."""
    return list(
        selectors.participants_matching(invitable(request.user, event), query).order_by(
            "last_name", "first_name", "pk"
        )
    )


def _suggestions(suggestions) -> dict:
    """The suggestions (None: no search typed), and those the access log counts: only a
    list that names someone."""
    return {"suggestions": suggestions, "named_suggestions": suggestions or None}


def _registrations_context(request, event) -> dict:
    """The registrations, searched by name and filtered by status."""
    query = request.GET.get("q", "")[: selectors.SEARCH_MAX_LENGTH]
    status = request.GET.get("etat", "")
    registrations = selectors.registrations_with_deliveries(
        request.user, event, query=query, status=status
    )
    return {
        "event": event,
        "registrations": registrations,
        "query": query,
        "status": status if status in RegistrationStatus.values else "",
        "status_choices": RegistrationStatus.choices,
        "filtered": bool(query.strip() or status in RegistrationStatus.values),
        "outside_hours": selectors.outside_allowed_hours(event, registrations, request.user),
        "now": timezone.now(),  # whose offer of the waiting list still runs
        # Whose convocation did not go, and the user may send again.
        "resendable": {
            r.pk
            for r in registrations
            if r.deliveries.convocation_not_delivered
            and permissions.can_register(request.user, event, r.participant)
            and not services.convocation_refusal(r)
        },
    }


def _page_context(request, event) -> dict:
    """What the whole page shows besides the registrations."""
    return {
        "can_manage": permissions.can_manage_event(request.user, event),
        "can_cancel": permissions.can_cancel_event(request.user, event),
        "is_staff": permissions.is_on_check_in_team(request.user, event),
        "workshops": event.workshops.select_related("facilitator"),
        "workshop_choice": WorkshopChoiceForm(event=event),
        "tables": event.tables.select_related("partner").annotate(
            interview_count=Count("interviews")
        ),
        "partners": event.partners.select_related("partner").prefetch_related("offers"),
    }


@reads(rows("registration", "registrations"), rows("participant", "named_suggestions"))
def event_detail(request, pk):
    event = selectors.event_for_page(request.user, pk)
    require(permissions.can_list_events(request.user))
    can_invite = permissions.can_invite(request.user, event)
    invite_query = request.GET.get("inviter", "")[: selectors.SEARCH_MAX_LENGTH].strip()
    if request.htmx and request.htmx.target == "suggestions-invitation":
        require(can_invite)
        suggestions = _invite_suggestions(request, event, invite_query)
        return TemplateResponse(
            request,
            "events/_invite_suggestions.html",
            {"event": event, "invite_query": invite_query, "registrations": None}
            | _suggestions(suggestions),
        )
    context = _registrations_context(request, event)
    if request.htmx and request.htmx.target == "inscriptions":
        context |= {"workshops": event.workshops.all(), "named_suggestions": None}
        return TemplateResponse(request, "events/_registrations.html", context)
    suggestions = (
        _invite_suggestions(request, event, invite_query) if can_invite and invite_query else None
    )
    return TemplateResponse(
        request,
        "events/event_detail.html",
        context
        | _page_context(request, event)
        | {"can_invite": can_invite, "invite_query": invite_query}
        | _suggestions(suggestions),
    )


# Its workshops and the partners present ------------------------------------------------


def _event_part_form(request, pk, form_class, title, done_message):
    """Add a workshop or a partner present: the same small page for both."""
    event = managed_event(request, pk)
    form = form_class(request.POST or None, event=event)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            lambda: services.event_part_add(by=request.user, event=event, form=form), form=form
        )
    ):
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


@require_http_methods(["GET", "POST"])
def event_cancel(request, pk):
    """« Annuler le Café-métiers » asks first (GET: how many will be told); POST cancels."""
    event = visible_event(request, pk)
    require(permissions.can_manage_event(request.user, event))
    if request.method != "POST":
        told = event.registrations.filter(status__in=services.TOLD_OF_A_CANCELLATION).count()
        return confirmation_page(
            request,
            title=_("Annuler le Café-métiers du %(d)s ?") % {"d": long_date(event.date)},
            text=ngettext(
                "%(n)s personne invitée, confirmée ou en liste d’attente sera prévenue par "
                "son canal (SMS ou e-mail). Les inscriptions sont gardées, « événement "
                "annulé ». Cela ne se défait pas.",
                "%(n)s personnes invitées, confirmées ou en liste d’attente seront prévenues "
                "par leur canal (SMS ou e-mail). Les inscriptions sont gardées, « événement "
                "annulé ». Cela ne se défait pas.",
                told,
            )
            % {"n": told},
            confirm_label=_("Annuler le Café-métiers"),
            cancel_url=reverse("events:detail", args=[event.pk]),
        )
    attempt(
        lambda: services.event_cancel(by=request.user, event=event),
        request=request,
        success=lambda n: (
            ngettext(
                "Le Café-métiers est annulé : %(n)s personne prévenue.",
                "Le Café-métiers est annulé : %(n)s personnes prévenues.",
                n,
            )
            % {"n": n}
        ),
    )
    return redirect("events:detail", pk=event.pk)
