"""Job-dating pages: tables, the recruiter's screen (phone first), the day's report."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import job_dating, permissions, selectors
from events.forms import errors_as_sentences
from events.job_dating_forms import InterviewBookForm, InterviewOutcomeForm, RecruiterTableForm
from events.models import Interview, InterviewOutcome, RecruiterTable, RegistrationStatus
from events.selectors import registration_in_scope
from pacte import audit
from pacte.exceptions import DomainError
from pacte.operators import sender_for
from pacte.pdf import render_pdf
from pacte.roles import Role
from partners.models import Partner


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
            "is_recruiter": request.user.role == Role.RECRUITER,
            "outside_hours": set()
            if request.user.role == Role.RECRUITER
            else selectors.interviews_outside_hours(interviews, request.user),
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
        for message in errors_as_sentences(form):
            messages.error(request, message)
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
    interviewers = list(
        Partner.objects.filter(
            tables__event=event, tables__interviews__outcome__in=InterviewOutcome.held()
        )
        .annotate(held=Count("tables__interviews", distinct=True))
        .order_by("name")
    )
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
            "interviewers": interviewers,
            # The companies there: those named present and those who held interviews.
            "companies": len(
                {p.partner_id for p in event.partners.all()} | {p.pk for p in interviewers}
            ),
        },
    )


@login_not_required
def recruiter_access(request, token):
    """The recruiter's personal link: on the event's day, one tap opens their own table."""
    table = get_object_or_404(
        RecruiterTable.objects.select_related("event", "recruiter"), access_token=token
    )
    valid = (
        table.recruiter is not None
        and table.recruiter.is_active
        and not table.recruiter.is_expired
        and table.event.date == timezone.localdate()
    )
    if not valid:
        return render(
            request, "events/recruiter_access.html", {"table": table, "valid": False}, status=403
        )
    # An account locked out after too many wrong passwords (django-axes) is not opened by
    # its link either: the same page as at the password login, and no session.
    credentials = {"username": table.recruiter.username}
    if not AxesProxyHandler.is_allowed(request, credentials=credentials):
        return get_lockout_response(request, credentials=credentials)
    if request.method == "POST":
        login(request, table.recruiter, backend="pacte.auth_backends.AccountBackend")
        audit.log_write(user=table.recruiter, obj=table)
        return redirect("events:table", pk=table.pk)
    return render(request, "events/recruiter_access.html", {"table": table, "valid": True})


@require_POST
def send_recruiter_link(request, pk):
    table = _table(request, pk)
    if not permissions.can_manage_event(request.user, table.event) or table.recruiter is None:
        raise PermissionDenied
    link = request.build_absolute_uri(reverse("events:recruiter_access", args=[table.access_token]))
    send_mail(
        subject=_("Vos entretiens au Café-métiers de la préfecture"),
        message=render_to_string(
            "events/messages/recruiter_link.txt", {"table": table, "link": link}
        ),
        from_email=sender_for(table.event.territory),
        recipient_list=[table.recruiter.email],
    )
    messages.success(request, _("Le lien est envoyé à %(e)s.") % {"e": table.recruiter.email})
    return redirect("events:table", pk=table.pk)


def table_schedule(request, pk):
    table = _table(request, pk)
    interviews = table.interviews.select_related("registration__participant").order_by("starts_at")
    audit.log_list(request, "interview", len(interviews), action="export")
    return render_pdf(
        request,
        "documents/table_schedule.html",
        {
            "table": table,
            "interviews": interviews,
            "operator": table.event.territory.prefecture_name,
        },
        filename=f"planning-table-{table.pk}",
    )


def participant_schedule(request, pk):
    """A young person's own afternoon: their workshops and interviews."""
    registration = registration_in_scope(request.user, pk)
    audit.log_read(request, registration, action="export")
    items = [(w.starts_at, w.ends_at, str(w), w.room) for w in registration.workshops.all()]
    items += [
        (
            i.starts_at,
            i.ends_at,
            _("Entretien avec %(p)s") % {"p": i.table.partner.name},
            i.table.label,
        )
        for i in registration.interviews.select_related("table__partner")
    ]
    return render_pdf(
        request,
        "documents/participant_schedule.html",
        {
            "registration": registration,
            "event": registration.event,
            "items": sorted(items),
            "operator": registration.event.territory.prefecture_name,
        },
        filename=f"mon-programme-{registration.pk}",
    )
