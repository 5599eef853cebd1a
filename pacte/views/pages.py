import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token

from events.models import Registration
from pacte import audit
from pacte.permissions import can_manage_accounts, can_read_full_privacy_notice
from pacte.roles import Role
from participants.models import Participant, Task, TaskKind
from partners.models import Partner


def home(request):
    own_partner, tables = None, []
    mine = counsellor_home(request.user) if request.user.role == Role.COUNSELLOR else {}
    if mine:
        # The names of my young people are personal data shown: one list entry.
        audit.log_list(request, "participant", sum(len(rows) for rows in mine.values()))
    if request.user.role == Role.RECRUITER:
        own_partner = Partner.objects.visible_to(request.user).first()
        tables = (
            request.user.recruiter_tables.filter(event__date__gte=timezone.localdate())
            .select_related("event", "partner")
            .order_by("event__date")
        )
    return render(
        request,
        "pacte/home.html",
        {
            "can_manage_accounts": can_manage_accounts(request.user),
            "own_partner": own_partner,
            "tables": tables,
            **mine,
        },
    )


HOME_ROWS = 10


def counsellor_home(user):
    """My young people who need a call, my outcome checks due, my people's next events."""
    mine = Participant.objects.visible_to(user).filter(Q(referent=user) | Q(stand_in=user))
    today = timezone.localdate()
    return {
        "my_attention": list(
            mine.needs_attention(user).order_by("last_follow_up_on", "pk")[:HOME_ROWS]
        ),
        "my_checks": list(
            Task.objects.filter(
                assignee=user,
                kind=TaskKind.OUTCOME_CHECK,
                done_at__isnull=True,
                due_on__lte=today + dt.timedelta(days=7),
            )
            .select_related("participant")
            .order_by("due_on", "pk")[:HOME_ROWS]
        ),
        "my_events": list(
            Registration.objects.filter(
                participant__in=mine,
                event__date__gte=today,
                status__in=["invited", "confirmed", "waiting"],
            )
            .select_related("event", "participant")
            .order_by("event__date", "pk")[:HOME_ROWS]
        ),
    }


def public_page(template_name):
    @login_not_required
    def view(request):
        return render(request, template_name)

    view.__name__ = template_name.rsplit("/", 1)[-1].removesuffix(".html")
    return view


legal_notice = public_page("pages/mentions_legales.html")
accessibility = public_page("pages/accessibilite.html")


@login_not_required
def personal_data(request):
    """The full notice (the programme, justice data) is for the staff; recruiters and
    visitors read the Café-métiers' one, which never hints at prison."""
    if can_read_full_privacy_notice(request.user):
        return render(request, "pages/donnees_personnelles.html")
    return render(request, "pages/donnees_personnelles_cafe_metiers.html")


@requires_csrf_token
def server_error(request):
    """The 500 page: rendered without the request context, so it never touches the database."""
    context = {
        "service_name": settings.SITE_PUBLIC_NAME,
        "service_operator": settings.SITE_OPERATOR,
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on every page (the admin site's included): the DSFR's."""
    return HttpResponsePermanentRedirect(static("dsfr/dist/favicon/favicon.ico"))
