"""Job-dating pages: tables, the recruiter's screen (phone first), the day's report."""

from dataclasses import dataclass, field

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
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from events import permissions, selectors
from events.forms import errors_as_sentences
from events.job_dating import services as job_dating
from events.job_dating.forms import (
    CONTRACT_CHOICES,
    InterviewBookForm,
    InterviewOutcomeForm,
    RecruiterTableForm,
)
from events.models import Event, Interview, InterviewOutcome, RecruiterTable, RegistrationStatus
from events.selectors import registration_in_scope
from pacte import audit
from pacte.attempts import attempt
from pacte.audit import reads, record, rows
from pacte.confirm import confirmation_page
from pacte.exceptions import DomainError
from pacte.models import AccessAction
from pacte.operators import sender_for
from pacte.pdf import render_pdf
from pacte.permissions import is_recruiter
from pacte.templatetags.pacte_tags import long_date
from partners.models import Partner


def _managed_event(request, pk):
    event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
    if not permissions.can_manage_event(request.user, event):
        raise PermissionDenied
    return event


# The form offers the territory's recruiter accounts: their names are read.
@reads(rows("user", "recruiters"))
def table_create(request, pk):
    event = _managed_event(request, pk)
    form = RecruiterTableForm(request.POST or None, event=event)
    table = (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            lambda: job_dating.table_create(by=request.user, event=event, form=form), form=form
        )
    )
    if table:
        messages.success(request, _("La table de %(p)s est ajoutée.") % {"p": table.partner})
        return redirect("events:detail", pk=event.pk)
    return TemplateResponse(
        request,
        "events/event_part_form.html",
        {
            "form": form,
            "event": event,
            "title": _("Ajouter une table de job-dating"),
            "recruiters": form.fields["recruiter"].queryset,
        },
    )


@require_POST
def propose(request, pk):
    event = _managed_event(request, pk)
    booked = job_dating.propose_schedule(by=request.user, event=event)
    messages.success(
        request,
        ngettext("%(n)s entretien proposé.", "%(n)s entretiens proposés.", booked) % {"n": booked},
    )
    return redirect("events:detail", pk=event.pk)


def _table(request, pk):
    """A recruiter reaches only their own tables; the coordination every table it runs."""
    table = get_object_or_404(RecruiterTable.objects.select_related("event", "partner"), pk=pk)
    user = request.user
    if is_recruiter(user):
        if table.recruiter_id != user.pk:
            raise Http404
    elif not permissions.can_manage_event(user, table.event):
        raise Http404
    return table


@dataclass
class InterviewCard:
    """One candidate's card on the recruiter's screen (templates/events/_interview_card.html):
    the form while the interview has no outcome or is being corrected, its outcome after."""

    interview: Interview
    form: InterviewOutcomeForm | None = None
    correcting: bool = False
    is_next: bool = False
    outside_hours: bool = False
    can_correct: bool = False
    saved: str = ""  # said once the outcome is saved
    next_interview: Interview | None = None  # whom to see next, once saved
    notices: list[str] = field(default_factory=list)  # errors not about one field

    @property
    def is_done(self):
        return self.interview.outcome != InterviewOutcome.PENDING

    @property
    def editing(self):
        return not self.is_done or self.correcting

    @property
    def folded(self):
        """A later candidate's form waits behind « Noter la suite » (calm on a phone)."""
        return not self.is_done and not self.is_next and not self.form.is_bound

    @property
    def name(self):
        """First name and initial: all a recruiter learns of the surname."""
        participant = self.interview.registration.participant
        return f"{participant.first_name} {participant.last_name[:1]}."

    @property
    def contract_label(self):
        contract = self.interview.contract_type
        return dict(CONTRACT_CHOICES).get(contract, "") if contract else ""


def _interviews(table):
    return table.interviews.select_related(
        "registration__participant__referent__structure"
    ).order_by("starts_at", "pk")


def _card(
    request, table, interview, *, form=None, correcting=False, next_pk=None, outside=None, **extra
):
    """A card, with the form it shows: the one posted (its errors and choices kept), or a
    fresh one (the current outcome filled in when correcting). `outside`: the interviews
    flagged outside the allowed hours, when the page has read them for all its cards."""
    can_correct = job_dating.corrections_open(table.event)
    correcting = correcting and interview.outcome != InterviewOutcome.PENDING and can_correct
    if form is None and correcting:
        form = InterviewOutcomeForm(
            interview=interview,
            initial={
                "outcome": interview.outcome,
                "contract_type": interview.contract_type,
                "reason": interview.reason,
                "correction": True,
            },
        )
    elif form is None and interview.outcome == InterviewOutcome.PENDING:
        form = InterviewOutcomeForm(interview=interview)
    if outside is None:
        outside = (
            set()
            if is_recruiter(request.user)
            else selectors.interviews_outside_hours([interview], request.user)
        )
    return InterviewCard(
        interview=interview,
        form=form,
        correcting=correcting,
        is_next=interview.pk == next_pk,
        outside_hours=interview.pk in outside,
        can_correct=can_correct,
        notices=list(form.non_field_errors()) if form is not None else [],
        **extra,
    )


def _pk_param(request, name):
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


def _next_pending(table):
    """Who is next at the table: the first interview without outcome, by slot time."""
    return (
        table.interviews.filter(outcome=InterviewOutcome.PENDING)
        .select_related("registration__participant")
        .order_by("starts_at", "pk")
        .first()
    )


def _one_card(request, table, interviews, one, *, correcting, next_pk, outside):
    """The card `one` alone, for htmx: it names the person; the table's list is not shown."""
    interview = next((i for i in interviews if i.pk == one), None)
    if interview is None:
        raise Http404
    card = _card(
        request, table, interview, correcting=correcting == one, next_pk=next_pk, outside=outside
    )
    if correcting and not card.correcting and card.is_done:
        card.notices.append(_("La suite de cet entretien ne se corrige plus."))
    if card.correcting:
        card.form.fields["outcome"].widget.attrs["autofocus"] = True
    return TemplateResponse(
        request,
        "events/_interview_card.html",
        {"table": table, "card": card, "registration": interview.registration, "interviews": None},
    )


@reads(record("registration"), rows("interview", "interviews"))
def table_detail(request, pk):
    """« Who is next at my table »: the next candidate first, then the others by slot time,
    the interviews done below. `?corriger=<id>` opens a card's correction, `?carte=<id>`
    shows it as it is; with htmx, that card alone comes back."""
    table = _table(request, pk)
    interviews = list(_interviews(table))
    recruiter = is_recruiter(request.user)
    outside = set() if recruiter else selectors.interviews_outside_hours(interviews, request.user)
    pending = [i for i in interviews if i.outcome == InterviewOutcome.PENDING]
    next_pk = pending[0].pk if pending else None
    correcting = _pk_param(request, "corriger")
    one = correcting or _pk_param(request, "carte")
    if request.htmx and one is not None:
        return _one_card(
            request, table, interviews, one, correcting=correcting, next_pk=next_pk, outside=outside
        )
    cards = [
        _card(request, table, i, correcting=i.pk == correcting, next_pk=next_pk, outside=outside)
        for i in interviews
    ]
    return TemplateResponse(
        request,
        "events/table_detail.html",
        {
            "table": table,
            "interviews": interviews,
            "registration": None,
            "pending_cards": [c for c in cards if not c.is_done],
            "done_cards": [c for c in cards if c.is_done],
            "outside_hours": outside,
            "is_recruiter": recruiter,
            "book_form": InterviewBookForm(table=table) if not recruiter else None,
        },
    )


@require_POST
def interview_book(request, pk):
    table = _table(request, pk)
    if is_recruiter(request.user):
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


@reads(record("registration"))
@require_POST
def interview_record(request, pk):
    """Save (or correct) one interview's outcome. With htmx only its card comes back, its
    errors next to the fields and the choices kept; without, the table page again."""
    interview = get_object_or_404(Interview.objects.select_related("table"), pk=pk)
    table = _table(request, interview.table_id)
    form = InterviewOutcomeForm(request.POST, interview=interview)
    correcting = form.fields["correction"].to_python(request.POST.get("correction"))
    saved = ""
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "correction"}
        write = job_dating.interview_correct if correcting else job_dating.interview_record
        try:
            write(by=request.user, interview=interview, **data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            saved = _("La correction est enregistrée.") if correcting else _("C’est noté. Merci !")
    interview = get_object_or_404(_interviews(table), pk=pk)
    name = InterviewCard(interview=interview).name
    if not request.htmx:
        if saved:
            messages.success(request, f"{name} : {saved}")
        for message in errors_as_sentences(form):
            messages.error(request, f"{name} : {message}")
        anchor = f"?corriger={pk}" if correcting and not saved else ""
        return redirect(reverse("events:table", args=[table.pk]) + f"{anchor}#entretien-{pk}")
    following = _next_pending(table)
    if saved:
        card = _card(
            request,
            table,
            interview,
            next_pk=following.pk if following else None,
            saved=saved,
            next_interview=following,
        )
    else:
        form.focus_first_error()
        card = _card(
            request,
            table,
            interview,
            form=form,
            correcting=correcting,
            next_pk=following.pk if following else None,
        )
    return TemplateResponse(  # the card sent back names the person
        request,
        "events/_interview_card.html",
        {"table": table, "card": card, "registration": interview.registration},
    )


def _close_text(preview) -> str:
    """What closing the day will do, in figures."""
    text = [
        ngettext(
            "%(n)s jeune attendu n’est pas émargé : il ou elle sera noté absent, et son "
            "conseiller ou sa conseillère aura un appel à passer.",
            "%(n)s jeunes attendus ne sont pas émargés : ils seront notés absents, et "
            "leur conseiller ou conseillère aura un appel à passer pour chacun.",
            preview["absent"],
        )
        % {"n": preview["absent"]}
    ]
    if preview["met"]:
        text.append(
            ngettext(
                "%(n)s jeune non émargé a passé un entretien : il ou elle sera noté présent.",
                "%(n)s jeunes non émargés ont passé un entretien : ils seront notés présents.",
                preview["met"],
            )
            % {"n": preview["met"]}
        )
    if preview["pending"]:
        text.append(
            ngettext(
                "%(n)s entretien n’a pas encore de suite : celui d’un absent sera noté « Absent ».",
                "%(n)s entretiens n’ont pas encore de suite : ceux des absents seront "
                "notés « Absent ».",
                preview["pending"],
            )
            % {"n": preview["pending"]}
        )
    text.append(_("Ensuite, la suite des entretiens ne se corrige plus."))
    return " ".join(text)


# The confirmation shows figures of the day's registrations, never a name.
@reads(rows("registration", "preview", counted=False))
@require_http_methods(["GET", "POST"])
def event_close(request, pk):
    """Closing the day asks first (GET: what it will do); POST closes."""
    event = _managed_event(request, pk)
    if request.method != "POST":
        preview = job_dating.close_preview(event)
        page = confirmation_page(
            request,
            title=_("Clôturer la journée du %(d)s ?") % {"d": long_date(event.date)},
            text=_close_text(preview),
            confirm_label=_("Clôturer la journée"),
            cancel_url=reverse("events:detail", args=[event.pk]),
        )
        return audit.with_context(page, preview=preview)
    done = job_dating.event_close(by=request.user, event=event)
    messages.success(
        request,
        ngettext(
            "Le Café-métiers est clôturé : %(n)s appel à passer après une absence.",
            "Le Café-métiers est clôturé : %(n)s appels à passer après une absence.",
            done["no_show_tasks"],
        )
        % {"n": done["no_show_tasks"]},
    )
    return redirect("events:report", pk=event.pk)


# Figures of the event's registrations and interviews, never a name.
@reads(rows("registration", "figures", counted=False))
def report(request, pk):
    """The figures a press release quotes: « 65 jeunes, 5 entreprises »."""
    event = get_object_or_404(selectors.events_with_counts(request.user), pk=pk)
    if not permissions.can_read_event_report(request.user, event):
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
    return TemplateResponse(
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


# The recruiter's own table, opened by their personal link (its token is not logged).
@reads(record("table"))
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
    return TemplateResponse(
        request, "events/recruiter_access.html", {"table": table, "valid": True}
    )


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


@reads(rows("interview", "interviews", action=AccessAction.EXPORT))
def table_schedule(request, pk):
    table = _table(request, pk)
    interviews = list(
        table.interviews.select_related("registration__participant").order_by("starts_at")
    )
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


@reads(record("registration", action=AccessAction.EXPORT))
def participant_schedule(request, pk):
    """A young person's own afternoon: their workshops and interviews."""
    registration = registration_in_scope(request.user, pk)
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
