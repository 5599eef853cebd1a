"""Job-dating pages: tables, the recruiter's screen (phone first), the day's report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import job_dating, permissions, selectors
from events.forms import InterviewBookForm, InterviewOutcomeForm, RecruiterTableForm
from events.models import Interview, InterviewOutcome, RecruiterTable, RegistrationStatus
from pacte import audit
from pacte.exceptions import DomainError
from pacte.roles import Role


def _managed_event(request, pk):
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    if not permissions.can_manage_event(request.user, event):
        raise PermissionDenied
    return event


def table_create(request, pk):
    event = _managed_event(request, pk)
    form = RecruiterTableForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        table = form.save(commit=False)
        table.event = event
        table.save()
        audit.log_write(user=request.user, obj=table, created=True)
        messages.success(request, _("La table de %(p)s est ajoutée.") % {"p": table.partner})
        return redirect("events:detail", pk=event.pk)
    return render(
        request,
        "events/event_part_form.html",
        {"form": form, "event": event, "title": _("Ajouter une table de job-dating")},
    )


@require_POST
def propose(request, pk):
    event = _managed_event(request, pk)
    booked = job_dating.propose_schedule(by=request.user, event=event)
    messages.success(request, _("%(n)s entretien(s) proposé(s).") % {"n": booked})
    return redirect("events:detail", pk=event.pk)


def _table(request, pk):
    """A recruiter reaches only their own tables; the coordination every table it runs."""
    table = get_object_or_404(RecruiterTable.objects.select_related("event", "partner"), pk=pk)
    user = request.user
    if user.role == Role.RECRUITER:
        if table.recruiter_id != user.pk:
            raise Http404
    elif not permissions.can_manage_event(user, table.event):
        raise Http404
    return table


def table_detail(request, pk):
    table = _table(request, pk)
    interviews = table.interviews.select_related(
        "registration__participant__referent__structure"
    ).order_by("starts_at")
    audit.log_list(request, "interview", len(interviews))
    return render(
        request,
        "events/table_detail.html",
        {
            "table": table,
            "interviews": interviews,
            "outcome_form": InterviewOutcomeForm(),
            "book_form": InterviewBookForm(table=table)
            if request.user.role != Role.RECRUITER
            else None,
        },
    )


@require_POST
def interview_book(request, pk):
    table = _table(request, pk)
    if request.user.role == Role.RECRUITER:
        raise PermissionDenied
    form = InterviewBookForm(request.POST, table=table)
    if form.is_valid():
        try:
            job_dating.interview_book(
                by=request.user,
                table=table,
                registration=form.cleaned_data["registration"],
                starts_at=form.cleaned_data["starts_at"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("L’entretien est réservé."))
    else:
        messages.error(request, _("Choisissez un jeune et un créneau libre."))
    return redirect("events:table", pk=table.pk)


@require_POST
def interview_record(request, pk):
    interview = get_object_or_404(Interview.objects.select_related("table"), pk=pk)
    _table(request, interview.table_id)
    form = InterviewOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez la suite donnée à l’entretien."))
    else:
        try:
            job_dating.interview_record(by=request.user, interview=interview, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("C’est noté. Merci !"))
    return redirect("events:table", pk=interview.table_id)


@require_POST
def event_close(request, pk):
    event = _managed_event(request, pk)
    done = job_dating.event_close(by=request.user, event=event)
    messages.success(
        request,
        _("Le Café-métiers est clôturé : %(n)s appel(s) à passer après une absence.")
        % {"n": done["no_show_tasks"]},
    )
    return redirect("events:report", pk=event.pk)


def report(request, pk):
    """The figures a press release quotes: « 65 jeunes, 5 entreprises »."""
    event = get_object_or_404(selectors.events_with_counts(request.user), pk=pk)
    if request.user.role not in {Role.COORDINATOR, Role.PILOT} or (
        event.territory_id != request.user.territory_id
    ):
        raise PermissionDenied
    S = RegistrationStatus
    figures = event.registrations.aggregate(
        invited=Count("pk", filter=~Q(status=S.CANCELLED)),
        confirmed=Count(
            "pk", filter=Q(status__in=[S.CONFIRMED, S.PRESENT]) | Q(confirmed_at__isnull=False)
        ),
        present=Count("pk", filter=Q(status=S.PRESENT)),
        no_show=Count("pk", filter=Q(status=S.ABSENT)),
        excused=Count("pk", filter=Q(status=S.EXCUSED)),
    )
    interviews = Interview.objects.filter(table__event=event)
    outcomes = dict(
        interviews.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n")
    )
    return render(
        request,
        "events/report.html",
        {
            "event": event,
            "figures": figures,
            "workshops": event.workshops.annotate(
                present=Count("registrations", filter=Q(registrations__status=S.PRESENT))
            ),
            "interviews_held": sum(outcomes.get(o, 0) for o in InterviewOutcome.held()),
            "outcomes": [(InterviewOutcome(o).label, n) for o, n in sorted(outcomes.items())],
            "partners": event.partners.select_related("partner"),
        },
    )
