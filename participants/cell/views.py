"""The Cellule Emploi's pages: meetings, their agenda, decisions and minutes.

The coordination and the pilot of the territory read them; the pilot writes. A meeting
of another territory does not exist (404).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pacte.attempts import attempt
from pacte.audit import reads, record, rows
from pacte.confirm import confirmation_page
from pacte.models import AccessAction
from pacte.pdf import render_pdf
from pacte.permissions import rule_required
from participants import permissions
from participants.cell import services
from participants.cell.forms import AgendaSearchForm, DecisionForm, MeetingForm
from participants.eligibility import search_key
from participants.models import CellMeeting, Participant

SEARCH_RESULTS = 20


def _meeting(request, pk):
    meetings = CellMeeting.objects.visible_to(request.user).select_related("pilot")
    return get_object_or_404(meetings, pk=pk)


def _items(meeting):
    return meeting.items.select_related(
        "participant__referent", "participant__structure_in_charge", "task", "plan_action"
    )


def _item(request, pk, item_pk):
    meeting = _meeting(request, pk)
    return get_object_or_404(_items(meeting).select_related("meeting"), pk=item_pk)


def _case_anchor(item):
    return reverse("cell:detail", args=[item.meeting_id]) + f"#cas-{item.pk}"


def _close_text(items):
    """What closing does, said the same way in the modal and on the confirmation page."""
    examined = [item for item in items if not item.withdrawn]
    decided = sum(1 for item in examined if item.is_decided)
    waiting = len(examined) - decided
    text = _(
        "Une fois close, la réunion ne change plus : son compte rendu est définitif et ses "
        "décisions ne se modifient plus (les tâches et les actions qu’elles ont données "
        "restent aux référents)."
    )
    if decided:
        text += " " + ngettext(
            "%(n)d cas a reçu une décision.", "%(n)d cas ont reçu une décision.", decided
        ) % {"n": decided}
    if waiting:
        text += " " + ngettext(
            "%(n)d cas n’a pas de décision : il reviendra à l’ordre du jour de la prochaine "
            "réunion s’il est toujours à suivre.",
            "%(n)d cas n’ont pas de décision : ils reviendront à l’ordre du jour de la "
            "prochaine réunion s’ils sont toujours à suivre.",
            waiting,
        ) % {"n": waiting}
    return text


def _require_lead(request, meeting):
    if not permissions.can_lead_cell_meeting(request.user, meeting):
        raise PermissionDenied


@rule_required(permissions.can_see_cell_meetings)
def meeting_list(request):
    meetings = (
        CellMeeting.objects.visible_to(request.user)
        .select_related("pilot")
        .annotate(
            cases=Count("items", filter=Q(items__withdrawn=False)),
            decided=Count("items", filter=Q(items__decided_at__isnull=False)),
        )
    )
    return render(
        request,
        "participants/cell/meeting_list.html",
        {"meetings": meetings, "can_lead": permissions.can_lead_cell_meeting(request.user)},
    )


@rule_required(permissions.can_lead_cell_meeting)
def meeting_create(request):
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        meeting = attempt(
            lambda: services.meeting_create(
                by=request.user,
                meeting=form.save(commit=False),
                attendees=form.cleaned_data["attendees"],
            ),
            form=form,
        )
        if meeting:
            messages.success(
                request,
                _("La réunion est créée ; son ordre du jour compte %(n)d cas.")
                % {"n": meeting.items.count()},
            )
            return redirect("cell:detail", pk=meeting.pk)
    return render(
        request,
        "participants/cell/meeting_form.html",
        {"form": form, "title": _("Nouvelle réunion de la Cellule Emploi")},
    )


@rule_required(permissions.can_see_cell_meetings)
def meeting_update(request, pk):
    meeting = _meeting(request, pk)
    _require_lead(request, meeting)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        if attempt(
            lambda: services.meeting_update(
                by=request.user,
                meeting=form.save(commit=False),
                attendees=form.cleaned_data["attendees"],
            ),
            form=form,
        ):
            messages.success(request, _("La réunion est modifiée."))
            return redirect("cell:detail", pk=meeting.pk)
    return render(
        request,
        "participants/cell/meeting_form.html",
        {"form": form, "meeting": meeting, "title": _("Modifier la réunion")},
    )


@reads(record("meeting"))
@rule_required(permissions.can_see_cell_meetings)
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    items = list(_items(meeting))
    return TemplateResponse(
        request,
        "participants/cell/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.select_related("structure"),
            "items": [item for item in items if not item.withdrawn],
            "withdrawn": [item for item in items if item.withdrawn],
            "can_lead": permissions.can_lead_cell_meeting(request.user, meeting),
            "close_text": _close_text(items),
        },
    )


@rule_required(permissions.can_see_cell_meetings)
@require_POST
def agenda_refresh(request, pk):
    meeting = _meeting(request, pk)
    _require_lead(request, meeting)
    attempt(
        lambda: services.agenda_build(by=request.user, meeting=meeting),
        request=request,
        success=lambda added: (
            ngettext(
                "Ordre du jour mis à jour : %(n)d cas ajouté.",
                "Ordre du jour mis à jour : %(n)d cas ajoutés.",
                added,
            )
            % {"n": added}
        ),
    )
    return redirect("cell:detail", pk=meeting.pk)


@reads(rows("participant", "results"))
@rule_required(permissions.can_see_cell_meetings)
def agenda_add(request, pk):
    meeting = _meeting(request, pk)
    _require_lead(request, meeting)
    if request.method == "POST":
        participant = get_object_or_404(
            Participant.objects.visible_to(request.user), pk=request.POST.get("participant")
        )
        attempt(
            lambda: services.agenda_add(by=request.user, meeting=meeting, participant=participant),
            request=request,
            success=_("%(p)s est ajouté à l’ordre du jour.") % {"p": participant},
        )
        return redirect("cell:detail", pk=meeting.pk)
    form = AgendaSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = Participant.objects.visible_to(request.user).filter(anonymised_at__isnull=True)
        for word in search_key(form.cleaned_data["q"]).split():
            results = results.filter(search_name__contains=word)
        results = list(
            results.select_related("structure_in_charge").order_by("last_name", "first_name")[
                :SEARCH_RESULTS
            ]
        )
    return TemplateResponse(
        request,
        "participants/cell/agenda_add.html",
        {"meeting": meeting, "form": form, "results": results},
    )


@rule_required(permissions.can_see_cell_meetings)
@require_POST
def agenda_withdraw(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    _require_lead(request, item.meeting)
    withdrawn = request.POST.get("withdrawn", "1") == "1"
    attempt(
        lambda: services.agenda_withdraw(by=request.user, item=item, withdrawn=withdrawn),
        request=request,
        success=_("%(p)s est retiré de l’ordre du jour.") % {"p": item.participant}
        if withdrawn
        else _("%(p)s est remis à l’ordre du jour.") % {"p": item.participant},
    )
    return redirect("cell:detail", pk=pk)


@rule_required(permissions.can_see_cell_meetings)
@require_POST
def agenda_move(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    _require_lead(request, item.meeting)
    step = -1 if request.POST.get("direction") == "up" else 1
    services.agenda_move(by=request.user, item=item, step=step)
    return redirect(_case_anchor(item))


@reads(record("item"))
@rule_required(permissions.can_see_cell_meetings)
def decision(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    _require_lead(request, item.meeting)
    initial = {"decision": item.decision}
    form = DecisionForm(request.POST or None, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        if attempt(
            lambda: services.decision_record(by=request.user, item=item, **form.cleaned_data),
            form=form,
        ):
            messages.success(request, _("La décision pour %(p)s est enregistrée.") % {"p": item})
            return redirect(_case_anchor(item))
    return TemplateResponse(
        request,
        "participants/cell/decision_form.html",
        {"form": form, "item": item, "meeting": item.meeting},
    )


@rule_required(permissions.can_see_cell_meetings)
def meeting_close(request, pk):
    """GET asks first, saying what closing does (it works without JavaScript); POST closes."""
    meeting = _meeting(request, pk)
    _require_lead(request, meeting)
    if request.method != "POST":
        return confirmation_page(
            request,
            title=_("Clore la réunion de la %(meeting)s ?") % {"meeting": meeting},
            text=_close_text(list(meeting.items.all())),
            confirm_label=_("Clore la réunion"),
            cancel_url=reverse("cell:detail", args=[meeting.pk]),
        )
    attempt(
        lambda: services.meeting_close(by=request.user, meeting=meeting),
        request=request,
        success=_("La réunion est close : son compte rendu est prêt."),
    )
    return redirect("cell:detail", pk=meeting.pk)


@reads(record("meeting", action=AccessAction.EXPORT))
@rule_required(permissions.can_see_cell_meetings)
def minutes_pdf(request, pk):
    meeting = _meeting(request, pk)
    items = [item for item in _items(meeting).select_related("decided_by") if not item.withdrawn]
    return render_pdf(
        request,
        "documents/cell_minutes.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.select_related("structure"),
            "decided": [item for item in items if item.is_decided],
            "postponed": [item for item in items if not item.is_decided],
        },
        filename=f"cellule-emploi-{meeting.held_on:%Y-%m-%d}",
    )
