from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacte import audit
from pacte.attempts import attempt
from pacte.audit import reads, record, rows
from pacte.exceptions import DomainError
from pacte.models import AccessAction
from pacte.pagination import DeferredJoinPaginator
from pacte.pdf import render_pdf
from pacte.permissions import can_manage_programme_years, rule_required
from pacte.spreadsheets import csv_response, xlsx_response
from participants import permissions, retention, selectors, services, sms_opt_outs, timeline
from participants.exports import export_table
from participants.filters import ParticipantFilter
from participants.forms import (
    FollowUpForm,
    HandOverForm,
    JusticeMeasureForm,
    OutcomeCheckForm,
    OutcomeForm,
    ParticipantForm,
    PlanActionForm,
    StandInForm,
    StatusChangeForm,
)
from participants.models import Participant, Status, Task, TaskKind
from participants.models.choices import ALLOWED_TRANSITIONS
from participants.right_of_access import collect as right_of_access_data

PAGE_SIZE = 50


def _participant_page(request, pk):
    """The participant if in the user's scope (else 404). A page showing it declares
    `@reads(SHOWS_FILE)`: logged whatever the method (a form displayed again too)."""
    return selectors.participant_for_page(request.user, pk)


SHOWS_FILE = record("participant")


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


@reads(rows("participant", "page_obj"))
@rule_required(permissions.can_list_participants)
def participant_list(request):
    participant_filter = ParticipantFilter(
        request.GET, queryset=selectors.participants_for_list(request.user), user=request.user
    )
    page = DeferredJoinPaginator(participant_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "participants/participant_list.html",
        {
            "filter": participant_filter,
            "page_obj": page,
            "rows": selectors.list_rows(page.object_list),
            "count": page.paginator.count,
            "can_create": permissions.can_create_participant(request.user),
            "can_export": permissions.can_export_participants(request.user),
        },
    )


@rule_required(permissions.can_create_participant)
def participant_create(request):
    form = ParticipantForm(request.POST or None, user=request.user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = list(
            services.possible_duplicates(
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                birth_date=form.cleaned_data["birth_date"],
                territory_id=request.user.territory_id,
            ).select_related("structure_in_charge")
        )
        if not duplicates or request.POST.get("duplicate_confirmed") == "1":
            participant = attempt(
                lambda: services.participant_create(
                    by=request.user,
                    participant=form.save(commit=False),
                    override_reason=form.cleaned_data.get("override_reason", ""),
                ),
                form=form,
            )
            if participant is not None:
                messages.success(request, _("Le dossier de %(p)s est créé.") % {"p": participant})
                return redirect("participants:detail", pk=participant.pk)
            duplicates = []
    visible = set(
        Participant.objects.visible_to(request.user)
        .filter(pk__in=[d.pk for d in duplicates])
        .values_list("pk", flat=True)
    )
    return TemplateResponse(
        request,
        "participants/participant_form.html",
        {
            "form": form,
            "participant": None,
            "duplicates": [(d, d.pk in visible) for d in duplicates],
            "can_open_years": can_manage_programme_years(request.user),
        },
    )


@reads(SHOWS_FILE)
def participant_detail(request, pk):
    participant = _participant_page(request, pk)
    user = request.user
    can_see_justice = permissions.can_view_justice(user, participant)
    can_edit = permissions.can_edit_participant(user, participant)
    plan_actions, outcomes, tasks, justice_measures = selectors.participant_panels(
        participant, with_justice=can_see_justice
    )
    return TemplateResponse(
        request,
        "participants/participant_detail.html",
        {
            "participant": participant,
            "gaps": services.participant_gaps(participant),
            "timeline": selectors.participant_timeline(
                participant, plan_actions=plan_actions, outcomes=outcomes, tasks=tasks
            ),
            "tasks": [task for task in tasks if task.done_at is None],
            "plan_actions": plan_actions,
            "outcomes": outcomes,
            "can_edit": can_edit,
            "can_hand_over": permissions.can_hand_over(user, participant),
            "can_export_rights": permissions.can_export_right_of_access(user, participant),
            "can_read_history": permissions.can_read_history(user, participant),
            "can_see_justice": can_see_justice,
            "can_edit_justice": can_see_justice and permissions.can_edit_justice(user, participant),
            "justice_measures": justice_measures,
            # What the apps above add (participants.timeline): the messages sent.
            **timeline.sections(participant),
            "follow_up_form": FollowUpForm()
            if permissions.can_log_follow_up(user, participant)
            else None,
            "status_form": _status_form(participant) if can_edit else None,
        },
    )


def _status_form(participant, data=None):
    form = StatusChangeForm(data)
    allowed = ALLOWED_TRANSITIONS[participant.status]
    form.fields["to_status"].choices = [(s.value, s.label) for s in Status if s in allowed]
    return form


@reads(SHOWS_FILE)
def participant_update(request, pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_edit_participant(request.user, participant))
    form = ParticipantForm(request.POST or None, instance=participant, user=request.user)
    stale_changes = None
    if request.method == "POST" and form.is_valid():
        columns = {field.name for field in Participant._meta.concrete_fields}
        try:
            saved = services.participant_update(
                by=request.user,
                participant=form.save(commit=False),
                changed=[name for name in form.changed_data if name in columns],
                seen_version=form.cleaned_data["seen_version"],
            )
        except services.StaleFile as stale:
            stale_changes = stale.changes
            form.add_error(None, stale.message)
            # The person now sees the other change: saving again applies theirs over it.
            form.data = form.data.copy()
            form.data["seen_version"] = str(selectors.participant_version(participant) or "")
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Le dossier de %(p)s est enregistré.") % {"p": saved})
            return redirect("participants:detail", pk=participant.pk)
    return TemplateResponse(
        request,
        "participants/participant_form.html",
        {
            "form": form,
            "participant": participant,
            "duplicates": [],
            "stale_changes": stale_changes,
        },
    )


@reads(SHOWS_FILE)
@require_POST
def follow_up_create(request, pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_log_follow_up(request.user, participant))
    form = FollowUpForm(request.POST)
    saved = form.is_valid() and attempt(
        lambda: services.follow_up_log(
            by=request.user, participant=participant, **form.cleaned_data
        ),
        form=form,
    )
    if saved:
        if not request.htmx:
            messages.success(request, _("Le suivi est enregistré."))
            return redirect("participants:detail", pk=participant.pk)
        form = FollowUpForm()
    context = {
        "participant": participant,
        "follow_up_form": form,
        "saved": bool(saved),
        "timeline": selectors.participant_timeline(participant),
    }
    if request.htmx:
        return TemplateResponse(request, "participants/_follow_up_panel.html", context)
    return TemplateResponse(request, "participants/follow_up_form_page.html", context, status=200)


@reads(SHOWS_FILE)
@require_POST
def status_change(request, pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_edit_participant(request.user, participant))
    form = _status_form(participant, request.POST)
    if form.is_valid() and attempt(
        lambda: services.participant_change_status(
            by=request.user, participant=participant, **form.cleaned_data
        ),
        form=form,
    ):
        messages.success(request, _("Le statut est changé."))
        return redirect("participants:detail", pk=participant.pk)
    # The form again, its errors next to its fields (not a bare message on another tab).
    return TemplateResponse(
        request,
        "participants/simple_form.html",
        {"form": form, "participant": participant, "title": _("Changer le statut")},
    )


@reads(SHOWS_FILE)
def justice_edit(request, pk):
    participant = _participant_page(request, pk)
    _require(
        permissions.can_view_justice(request.user, participant)
        and permissions.can_edit_justice(request.user, participant)
    )
    current = participant.justice_measures.first()
    form = JusticeMeasureForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        if attempt(
            lambda: services.justice_measure_save(
                by=request.user, participant=participant, measure=form.save(commit=False)
            ),
            form=form,
        ):
            messages.success(request, _("La mesure de justice est enregistrée."))
            return redirect("participants:detail", pk=participant.pk)
    return TemplateResponse(
        request,
        "participants/simple_form.html",
        {"form": form, "participant": participant, "title": _("Mesure de justice")},
    )


@reads(SHOWS_FILE)
def outcome_create(request, pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_edit_participant(request.user, participant))
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt(
            lambda: services.outcome_record(
                by=request.user, participant=participant, **form.cleaned_data
            ),
            form=form,
        ):
            messages.success(request, _("La sortie est enregistrée."))
            return redirect("participants:detail", pk=participant.pk)
    return TemplateResponse(
        request,
        "participants/simple_form.html",
        {"form": form, "participant": participant, "title": _("Enregistrer une sortie")},
    )


@reads(rows("participant", "page_obj"))
@rule_required(permissions.can_list_participants)
def attention_list(request):
    participants = selectors.participants_needing_attention(request.user)
    page = DeferredJoinPaginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "participants/attention_list.html",
        {
            "page_obj": page,
            "count": page.paginator.count,
            "rows": selectors.attention_rows(page.object_list),
        },
    )


@reads(rows("task", "page_obj"))
@rule_required(permissions.can_list_participants)
def task_list(request):
    tasks = selectors.open_tasks_for(request.user)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "participants/task_list.html",
        {"page_obj": page, "count": page.paginator.count, "check_form": OutcomeCheckForm()},
    )


@require_POST
def task_complete(request, pk):
    task = get_object_or_404(
        Task.objects.filter(
            participant__in=Participant.objects.visible_to(request.user)
        ).select_related("participant"),
        pk=pk,
    )
    _require(permissions.can_complete_task(request.user, task))
    form = OutcomeCheckForm(request.POST) if task.kind == TaskKind.OUTCOME_CHECK else None
    maintained = form.cleaned_data["maintained"] if form and form.is_valid() else None
    try:
        services.task_complete(by=request.user, task=task, maintained=maintained)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tâche faite : %(t)s") % {"t": task.title})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("participants:tasks")


@reads(SHOWS_FILE)
def plan_action_create(request, pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_edit_participant(request.user, participant))
    form = PlanActionForm(request.POST or None, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            lambda: services.plan_action_create(
                by=request.user, participant=participant, **form.cleaned_data
            ),
            form=form,
        )
    ):
        messages.success(request, _("L’action est ajoutée au parcours."))
        return redirect("participants:detail", pk=participant.pk)
    return TemplateResponse(
        request,
        "participants/simple_form.html",
        {"form": form, "participant": participant, "title": _("Ajouter une action au parcours")},
    )


@reads(SHOWS_FILE)
def hand_over(request, pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_hand_over(request.user, participant))
    form = HandOverForm(request.POST or None, participant=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        handed = attempt(
            lambda: services.participant_hand_over(
                by=request.user, participant=participant, **form.cleaned_data
            ),
            form=form,
        )
        if handed:
            messages.success(request, _("Le jeune est confié à %(r)s.") % {"r": handed.referent})
            return redirect("participants:detail", pk=participant.pk)
    return TemplateResponse(
        request,
        "participants/simple_form.html",
        {"form": form, "participant": participant, "title": _("Changer de référent")},
    )


@reads(SHOWS_FILE)
def stand_in(request, pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_name_stand_in(request.user, participant))
    initial = {"stand_in": participant.stand_in, "stand_in_until": participant.stand_in_until}
    form = StandInForm(
        request.POST or None, participant=participant, user=request.user, initial=initial
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            lambda: services.participant_set_stand_in(
                by=request.user,
                participant=participant,
                stand_in=form.cleaned_data["stand_in"],
                until=form.cleaned_data["stand_in_until"],
            ),
            form=form,
        )
    ):
        messages.success(request, _("Le remplacement est enregistré."))
        return redirect("participants:detail", pk=participant.pk)
    return TemplateResponse(
        request,
        "participants/simple_form.html",
        {"form": form, "participant": participant, "title": _("Remplacement pendant une absence")},
    )


@reads(rows("participant", "exported", action=AccessAction.EXPORT))
@rule_required(permissions.can_export_participants)
def participant_export(request, fmt):
    participant_filter = ParticipantFilter(
        request.GET, queryset=selectors.participants_for_list(request.user), user=request.user
    )
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    count = participant_filter.qs.count()
    if count > settings.PACTE_EXPORT_INLINE_MAX:
        # Too long for a request: the cluster writes the file, its page follows it. No
        # response shows the rows here: the request of their export is its own entry
        # (the download of the file will be another).
        from participants.export_jobs import export_request

        audit.log_list(request, "participant", count, action=AccessAction.EXPORT)
        return redirect(export_request(by=request.user, fmt=fmt, query=request.GET, total=count))
    headers, lines = export_table(request.user, participant_filter.qs)
    filename = f"jeunes-{timezone.localdate():%Y-%m-%d}"
    if fmt == "xlsx":
        response = xlsx_response(filename, headers, lines, sheet="Jeunes")
    else:
        response = csv_response(filename, headers, lines)
    return audit.with_context(response, exported=count)


@reads(SHOWS_FILE)
def plan_action_update(request, pk, action_pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_edit_participant(request.user, participant))
    action = get_object_or_404(participant.plan_actions, pk=action_pk)
    form = PlanActionForm(request.POST or None, instance=action, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            lambda: services.plan_action_update(
                by=request.user, action=action, **form.cleaned_data
            ),
            form=form,
        )
    ):
        messages.success(request, _("L’action est mise à jour."))
        return redirect("participants:detail", pk=participant.pk)
    return TemplateResponse(
        request,
        "participants/simple_form.html",
        {"form": form, "participant": participant, "title": _("Modifier une action du parcours")},
    )


def right_of_access(request, pk, fmt):
    participant = selectors.participant_for_page(request.user, pk)
    _require(permissions.can_export_right_of_access(request.user, participant))
    if fmt not in {"json", "pdf"}:
        raise Http404
    # Logged by hand, before the data is collected: the export lists its own entry.
    audit.log_read(request, participant, action=AccessAction.EXPORT)
    data = right_of_access_data(participant)
    filename = f"droit-d-acces-{participant.pk}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    return render_pdf(
        request,
        "documents/right_of_access.html",
        {"participant": participant, "data": data},
        filename=filename,
    )


@reads(rows("participant", "due"))
@rule_required(permissions.can_see_retention_due)
def retention_due(request):
    visible = Participant.objects.visible_to(request.user)
    notice = settings.PACTE_RETENTION_NOTICE_DAYS
    justice = list(retention.justice_due(visible, notice_days=notice).order_by("exited_on"))
    files = list(retention.anonymisation_due(visible, notice_days=notice).order_by("exited_on"))
    inactive = list(retention.inactive_due(visible, notice_days=notice).order_by("updated_at"))
    for participant in inactive:
        participant.last_activity = retention.last_activity(participant)
    return TemplateResponse(
        request,
        "participants/retention_due.html",
        {
            "justice": justice,
            "files": files,
            "inactive": inactive,
            "due": justice + files + inactive,
            "notice_days": notice,
            "periods": settings.PACTE_RETENTION_DAYS,
        },
    )


@reads(SHOWS_FILE)
def participant_history(request, pk):
    participant = _participant_page(request, pk)
    _require(permissions.can_read_history(request.user, participant))
    return TemplateResponse(
        request,
        "participants/participant_history.html",
        {"participant": participant, "changes": selectors.participant_changes(participant)},
    )


@require_POST
def sms_refusal(request, pk):
    """Record that the young person refuses SMS, or lift it with their agreement (both
    logged): « refuse » or « lift »."""
    participant = _participant_page(request, pk)
    _require(permissions.can_edit_participant(request.user, participant))
    if request.POST.get("action") == "lift":
        attempt(
            lambda: sms_opt_outs.sms_opt_in(by=request.user, participant=participant),
            request=request,
            success=_("Le refus des SMS est levé : les messages repartent par SMS."),
        )
    else:
        attempt(
            lambda: sms_opt_outs.sms_opt_out_by_counsellor(
                by=request.user, participant=participant
            ),
            request=request,
            success=_("C’est noté : plus aucun SMS ne part vers ce numéro."),
        )
    return redirect("participants:detail", pk=participant.pk)
