"""Every URL × every role → the expected status.

Anonymous visitors are sent to the login page (302) except on public pages;
a role without the right gets 403; an object out of the user's scope is a 404.
A URL added without a row here fails `test_every_url_is_in_the_matrix`.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from pacte.factories import UserFactory
from pacte.roles import Role

ANON = "anonymous"
ADMIN = Role.ADMINISTRATOR
COORD = Role.COORDINATOR
PILOT = Role.PILOT
COUNS = Role.COUNSELLOR
RECR = Role.RECRUITER
OTHER = "other_coordinator"  # coordinator of another territory
WHO = [ANON, ADMIN, COORD, PILOT, COUNS, RECR, OTHER]

LOGIN = "login-redirect"  # 302 to the login page


@pytest.fixture
def users(users, cafe_metiers):
    """The accounts of conftest, today's Café-métiers and its registrations, and the
    recruiter's company as a partner."""
    from partners.models import Partner

    company = Partner.objects.create(
        territory=users[Role.COORDINATOR].structure.territory,
        name="Lidl",
        kind="employer",
        siret="81234567600017",
        structure=users[Role.RECRUITER].structure,
    )
    from events.models import Interview, RecruiterTable

    table = RecruiterTable.objects.create(
        event=cafe_metiers["event"],
        partner=company,
        recruiter=users[Role.RECRUITER],
        starts_at=dt.time(16),
        ends_at=dt.time(17),
    )
    interview = Interview.objects.create(
        table=table,
        registration=cafe_metiers["registration"],
        starts_at=dt.time(16),
        ends_at=dt.time(16, 15),
    )
    return {**users, **cafe_metiers, "partner": company, "table": table, "interview": interview}


def everyone(status):
    return dict.fromkeys(WHO, status)


def logged_in(status):
    return {**everyone(status), ANON: LOGIN}


def account_managers(status_for_others=403):
    return {
        ANON: LOGIN,
        ADMIN: 200,
        COORD: 200,
        PILOT: status_for_others,
        COUNS: status_for_others,
        RECR: status_for_others,
        OTHER: 200,
    }


def year_managers():
    """Programme years: the coordination of the territory only (the administrator too is
    technical, and works in the admin site)."""
    return {**account_managers(), ADMIN: 403}


def paris_year(users):
    return [users["participant"].programme_year_id]


def paris_counsellor(users):
    return [users[COUNS].pk]


def file_readers(**overrides):
    """Roles that read a Paris participant's file; the file is out of scope (404) for
    a recruiter, for another territory and for the administrator (administration is
    technical); a role lacking the right gets 403."""
    return {
        ANON: LOGIN,
        ADMIN: 404,
        COORD: 200,
        PILOT: 200,
        COUNS: 200,
        RECR: 404,
        OTHER: 404,
        **overrides,
    }


def paris_participant(users):
    return [users["participant"].pk]


REPORT_READERS = {
    ANON: LOGIN,
    ADMIN: 403,
    COORD: 200,
    PILOT: 200,
    COUNS: 403,
    RECR: 403,
    OTHER: 200,
}

# name → (method, args builder or None, expected statuses)
MATRIX = {
    "home": ("get", None, logged_in(200)),
    "healthz": ("get", None, everyone(200)),
    # The SMS provider's delivery reports: without the secret, no such page.
    "sms_delivery_report": ("post", lambda users: ["pas-le-secret"], everyone(404)),
    "login": ("get", None, {**everyone(302), ANON: 200}),
    "logout": ("post", None, everyone(302)),
    # Without a device yet, the second-factor page leads to its activation.
    "second_factor": ("get", None, logged_in(302)),
    "second_factor_setup": ("get", None, logged_in(200)),
    "password_change": ("get", None, logged_in(200)),
    "password_change_done": ("get", None, logged_in(200)),
    "password_reset": ("get", None, everyone(200)),
    "password_reset_done": ("get", None, everyone(200)),
    "password_reset_confirm": ("get", lambda users: ["MQ", "set-password"], everyone(200)),
    "password_reset_complete": ("get", None, everyone(200)),
    "legal_notice": ("get", None, everyone(200)),
    "accessibility": ("get", None, everyone(200)),
    "personal_data": ("get", None, everyone(200)),
    "accounts:list": ("get", None, account_managers()),
    "accounts:create": ("get", None, account_managers()),
    "accounts:update": ("get", paris_counsellor, {**account_managers(), OTHER: 404}),
    # GET asks first (the confirmation page); the deactivation runs on POST.
    "accounts:deactivate": ("get", paris_counsellor, {**account_managers(), OTHER: 404}),
    "accounts:set_active": (
        "post",
        paris_counsellor,
        {**account_managers(), ADMIN: 302, COORD: 302, OTHER: 404},
    ),
    "programme_years:list": ("get", None, year_managers()),
    "programme_years:create": ("get", None, year_managers()),
    "programme_years:update": ("get", paris_year, {**year_managers(), OTHER: 404}),
    "programme_years:close": ("get", paris_year, {**year_managers(), OTHER: 404}),
    "programme_years:reopen": (
        "post",
        paris_year,
        {**year_managers(), COORD: 302, OTHER: 404},
    ),
    "dashboard": (
        "get",
        None,
        {ANON: LOGIN, ADMIN: 403, COORD: 200, PILOT: 200, COUNS: 403, RECR: 403, OTHER: 200},
    ),
    # Reports: the coordination and the pilot, each of their own territory (no argument to
    # get wrong: the territory is the user's). Without a period, the current year.
    "reports:period": ("get", None, REPORT_READERS),
    "reports:period_xlsx": ("get", None, REPORT_READERS),
    "reports:period_pdf": ("get", None, REPORT_READERS),
    "reports:statistics_csv": ("get", None, REPORT_READERS),
    "access_log": (
        "get",
        None,
        {ANON: LOGIN, ADMIN: 200, COORD: 403, PILOT: 200, COUNS: 403, RECR: 403, OTHER: 403},
    ),
    "participants:list": ("get", None, file_readers(**{ADMIN: 403, OTHER: 200, RECR: 403})),
    "participants:create": (
        "get",
        None,
        file_readers(**{ADMIN: 403, PILOT: 403, OTHER: 200, RECR: 403}),
    ),
    "participants:detail": ("get", paris_participant, file_readers()),
    "participants:update": ("get", paris_participant, file_readers(**{PILOT: 403})),
    "participants:follow_up_create": (
        "post",
        paris_participant,
        file_readers(**{PILOT: 403}),
    ),
    "participants:status_change": (
        "post",
        paris_participant,
        file_readers(**{PILOT: 403}),
    ),
    "participants:sms_refusal": (
        "post",
        paris_participant,
        file_readers(**{COORD: 302, PILOT: 403, COUNS: 302}),
    ),
    "participants:justice_edit": (
        "get",
        paris_participant,
        file_readers(**{PILOT: 403}),
    ),
    "participants:outcome_create": ("get", paris_participant, file_readers(**{PILOT: 403})),
    "participants:attention": ("get", None, file_readers(**{ADMIN: 403, OTHER: 200, RECR: 403})),
    "participants:retention_due": (
        "get",
        None,
        file_readers(**{ADMIN: 403, PILOT: 403, COUNS: 403, RECR: 403, OTHER: 200}),
    ),
    "participants:tasks": ("get", None, file_readers(**{ADMIN: 403, OTHER: 200, RECR: 403})),
    "participants:task_complete": (
        "post",
        lambda users: [users["task"].pk],
        file_readers(**{COORD: 302, COUNS: 302, PILOT: 403}),
    ),
    "participants:export": (
        "get",
        lambda users: ["csv"],
        file_readers(**{ADMIN: 403, COUNS: 403, RECR: 403, OTHER: 200}),
    ),
    "participants:plan_action_create": ("get", paris_participant, file_readers(**{PILOT: 403})),
    "participants:plan_action_update": (
        "get",
        lambda users: [users["participant"].pk, users["plan_action"].pk],
        file_readers(**{PILOT: 403}),
    ),
    "participants:right_of_access": (
        "get",
        lambda users: [users["participant"].pk, "json"],
        file_readers(**{PILOT: 403, COUNS: 403}),
    ),
    "participants:history": (
        "get",
        paris_participant,
        file_readers(**{COUNS: 403}),
    ),
    "participants:hand_over": ("get", paris_participant, file_readers(**{PILOT: 403})),
    "participants:stand_in": ("get", paris_participant, file_readers(**{PILOT: 403})),
}


def coordinators_export(users):
    """A participants export the Paris coordinator asked for, done, with its file (one
    small fixed file, written again each time): anyone else's work does not exist."""
    from django.core.files.base import ContentFile

    from pacte.work.models import BackgroundWork, WorkKind, WorkStatus, private_storage

    name = "work/permission-matrix.csv"
    private_storage.delete(name)
    assert private_storage.save(name, ContentFile(b"Nom\r\n")) == name
    work = BackgroundWork.objects.create(
        kind=WorkKind.PARTICIPANTS_EXPORT,
        requested_by=users[COORD],
        territory_id=users[COORD].territory_id,
        status=WorkStatus.DONE,
        parameters={"format": "csv", "filename": "jeunes.csv"},
        file=name,
    )
    return [work.pk]


REQUESTER_ONLY = {**everyone(404), ANON: LOGIN, COORD: 200}
MATRIX.update(
    {
        "work:detail": ("get", coordinators_export, REQUESTER_ONLY),
        "work:file": ("get", coordinators_export, REQUESTER_ONLY),
    }
)


def event_args(users):
    return [users["event"].pk]


def registration_args(users):
    return [users["registration"].pk]


def personal_token_args(users):
    return [users["registration"].personal_token]


def staff_only(**overrides):
    """Check-in pages: the event's check-in staff (the coordination, the counsellor named
    staff, on the day); for anyone else the page does not exist."""
    return {
        ANON: LOGIN,
        ADMIN: 404,
        COORD: 200,
        PILOT: 404,
        COUNS: 200,
        RECR: 404,
        OTHER: 404,
        **overrides,
    }


def event_managers(**overrides):
    """An event's management pages: the coordination of its territory; out of scope (404)
    for another territory and for the administrator."""
    return {
        ANON: LOGIN,
        ADMIN: 404,
        COORD: 200,
        PILOT: 403,
        COUNS: 403,
        RECR: 403,
        OTHER: 404,
        **overrides,
    }


EVENT_READERS = {ANON: LOGIN, ADMIN: 200, COORD: 200, PILOT: 200, COUNS: 200, RECR: 403, OTHER: 200}
# A recruiter sees no registration (they see their interviews): out of scope, a 404.
REGISTRATION_EDITORS = {
    ANON: LOGIN,
    ADMIN: 404,
    COORD: 302,
    PILOT: 302,
    COUNS: 302,
    RECR: 404,
    OTHER: 404,
}
REGISTRATION_DOCUMENTS = {
    ANON: LOGIN,
    ADMIN: 404,
    COORD: 200,
    PILOT: 403,
    COUNS: 200,
    RECR: 404,
    OTHER: 404,
}

MATRIX.update(
    {
        # The administrator opens no event: its pages list the young people invited.
        "events:list": ("get", None, {**EVENT_READERS, ADMIN: 403}),
        "events:create": ("get", None, {**event_managers(), ADMIN: 403, OTHER: 200}),
        "events:detail": ("get", event_args, {**EVENT_READERS, ADMIN: 404, OTHER: 404}),
        "events:update": ("get", event_args, event_managers()),
        # The recruiter holds a table at this event: in scope, without the right (403).
        "events:registration_create": (
            "post",
            event_args,
            {**REGISTRATION_EDITORS, RECR: 403},
        ),
        "events:bulk_invite": ("get", event_args, event_managers()),
        "events:check_in": ("get", event_args, staff_only()),
        "events:check_in_counters": ("get", event_args, staff_only()),
        "events:walk_in": ("post", event_args, staff_only(**{COORD: 302, COUNS: 302})),
        # An empty short form comes back with its errors (200) for the team.
        "events:walk_in_create": ("post", event_args, staff_only()),
        "events:attendance": ("get", event_args, event_managers()),
        "events:attendance_sheet": ("get", event_args, event_managers()),
        "events:badges": ("get", event_args, event_managers()),
        "events:registration_confirm": ("post", registration_args, REGISTRATION_EDITORS),
        "events:registration_withdraw": ("post", registration_args, REGISTRATION_EDITORS),
        "events:workshop_create": ("get", event_args, event_managers()),
        "events:event_partner_create": ("get", event_args, event_managers()),
        "events:workshop_attendance_sheet": (
            "get",
            lambda users: [users["event"].pk, users["workshop"].pk],
            event_managers(),
        ),
        "events:registration_workshop": ("post", registration_args, REGISTRATION_EDITORS),
        "partners:list": ("get", None, {**EVENT_READERS}),
        "events:recruiter_access": (
            "get",
            lambda users: [users["table"].access_token],
            {**dict.fromkeys(WHO, 200)},
        ),
        "events:send_recruiter_link": (
            "post",
            lambda users: [users["table"].pk],
            {ANON: LOGIN, ADMIN: 404, COORD: 302, PILOT: 404, COUNS: 404, RECR: 403, OTHER: 404},
        ),
        "events:table_schedule": (
            "get",
            lambda users: [users["table"].pk],
            {ANON: LOGIN, ADMIN: 404, COORD: 200, PILOT: 404, COUNS: 404, RECR: 200, OTHER: 404},
        ),
        "events:participant_schedule": (
            "get",
            registration_args,
            {
                ANON: LOGIN,
                ADMIN: 404,
                COORD: 200,
                PILOT: 200,
                COUNS: 200,
                RECR: 404,
                OTHER: 404,
            },
        ),
        "events:table_create": ("get", event_args, event_managers()),
        "events:propose": ("post", event_args, event_managers(**{COORD: 302})),
        "events:close": ("post", event_args, event_managers(**{COORD: 302})),
        "events:report": ("get", event_args, event_managers(**{PILOT: 200})),
        "events:table": (
            "get",
            lambda users: [users["table"].pk],
            {ANON: LOGIN, ADMIN: 404, COORD: 200, PILOT: 404, COUNS: 404, RECR: 200, OTHER: 404},
        ),
        "events:interview_book": (
            "post",
            lambda users: [users["table"].pk],
            {ANON: LOGIN, ADMIN: 404, COORD: 302, PILOT: 404, COUNS: 404, RECR: 403, OTHER: 404},
        ),
        "events:interview_record": (
            "post",
            lambda users: [users["interview"].pk],
            {ANON: LOGIN, ADMIN: 404, COORD: 302, PILOT: 404, COUNS: 404, RECR: 302, OTHER: 404},
        ),
        "partners:detail": (
            "get",
            lambda users: [users["partner"].pk],
            {**EVENT_READERS, RECR: 200, OTHER: 404},
        ),
        "events:registration_reminders": ("post", registration_args, REGISTRATION_EDITORS),
        "events:check_in_mark": ("post", registration_args, staff_only(**{COORD: 302, COUNS: 302})),
        "events:check_in_undo": ("post", registration_args, staff_only(**{COORD: 302, COUNS: 302})),
        "events:convocation": ("get", registration_args, REGISTRATION_DOCUMENTS),
        # The calendar entry: the convocation's rule. Sending it again: whoever may register
        # the young person (nothing failed here: the refusal comes back on the page, 302).
        "events:calendar": ("get", registration_args, REGISTRATION_DOCUMENTS),
        "events:convocation_resend": (
            "post",
            registration_args,
            {**REGISTRATION_EDITORS, PILOT: 403},
        ),
        "events:cancel": ("get", event_args, event_managers()),
        "events:personal_link_renew": (
            "post",
            registration_args,
            {**REGISTRATION_EDITORS, PILOT: 403},
        ),
        "events:attestation": (
            "get",
            lambda users: [users["present_registration"].pk],
            REGISTRATION_DOCUMENTS,
        ),
        "events:check_in_token": (
            "get",
            lambda users: [users["registration"].check_in_token],
            staff_only(),
        ),
        # The young person's link: the token is the credential, for anyone who holds it.
        "events:personal_page": ("get", personal_token_args, everyone(200)),
        "events:personal_convocation": ("get", personal_token_args, everyone(200)),
        "events:personal_calendar": ("get", personal_token_args, everyone(200)),
        "events:personal_coming": ("post", personal_token_args, everyone(302)),
        "events:personal_stop_sms": ("post", personal_token_args, everyone(302)),
        "events:personal_not_coming": ("post", personal_token_args, everyone(302)),
    }
)

SKIPPED_NAMESPACES = {"admin"}  # Django's admin guards itself (is_staff)


def cell_meeting(users):
    """A Paris meeting of the Cellule Emploi led by the pilot, the participant on its agenda."""
    from participants.models import AgendaItem, CellMeeting

    meeting = CellMeeting.objects.create(
        territory_id=users[PILOT].territory_id,
        held_on=timezone.localdate(),
        pilot=users[PILOT],
    )
    item = AgendaItem.objects.create(meeting=meeting, participant=users["participant"])
    return meeting, item


def cell_meeting_args(users):
    return [cell_meeting(users)[0].pk]


def cell_item_args(users):
    meeting, item = cell_meeting(users)
    return [meeting.pk, item.pk]


def cell_readers(**overrides):
    """The coordination and the pilot of the territory read; another territory's meeting
    does not exist for them."""
    return {
        ANON: LOGIN,
        ADMIN: 403,
        COORD: 200,
        PILOT: 200,
        COUNS: 403,
        RECR: 403,
        OTHER: 404,
        **overrides,
    }


def cell_pilot(status):
    """Only the pilot prepares and leads the meeting."""
    return cell_readers(**{COORD: 403, PILOT: status})


MATRIX.update(
    {
        "cell:list": ("get", None, cell_readers(**{OTHER: 200})),
        "cell:create": ("get", None, cell_pilot(200) | {OTHER: 403}),
        "cell:detail": ("get", cell_meeting_args, cell_readers()),
        "cell:update": ("get", cell_meeting_args, cell_pilot(200)),
        "cell:agenda_refresh": ("post", cell_meeting_args, cell_pilot(302)),
        "cell:agenda_add": ("get", cell_meeting_args, cell_pilot(200)),
        "cell:decision": ("get", cell_item_args, cell_pilot(200)),
        "cell:agenda_withdraw": ("post", cell_item_args, cell_pilot(302)),
        "cell:agenda_move": ("post", cell_item_args, cell_pilot(302)),
        "cell:close": ("post", cell_meeting_args, cell_pilot(302)),
        "cell:minutes": ("get", cell_meeting_args, cell_readers()),
    }
)


def url_names(patterns=None, namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


# Pages anyone may open without logging in. Nothing else may answer an anonymous visitor.
PUBLIC = {
    "healthz",
    "sms_delivery_report",
    "events:recruiter_access",
    "events:personal_page",
    "events:personal_convocation",
    "events:personal_calendar",
    "events:personal_coming",
    "events:personal_not_coming",
    "events:personal_stop_sms",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "legal_notice",
    "accessibility",
    "personal_data",
    "logout",
}

# Accounts that exist but may no longer log in: treated as anonymous everywhere.
LOCKED = ["deactivated", "expired"]


def test_every_url_is_in_the_matrix():
    assert set(url_names()) == set(MATRIX)


def test_only_the_public_list_answers_without_login():
    answering = {name for name, (_m, _a, expected) in MATRIX.items() if expected[ANON] != LOGIN}

    assert answering == PUBLIC


def answer_of(users, name, who):
    """What one person gets from one URL: its status, or LOGIN for the login redirect."""
    method, args, expected = MATRIX[name]
    client = Client()
    if who in LOCKED:
        account = UserFactory(role=Role.COORDINATOR, structure=users[COORD].structure)
        client.force_login(account)
        if who == "deactivated":
            account.is_active = False
        else:
            account.expires_on = timezone.localdate() - dt.timedelta(days=1)
        account.save()
    elif who != ANON:
        client.force_login(users[who])
    response = getattr(client, method)(reverse(name, args=args(users) if args else None))
    to_login = response.status_code == 302 and response["Location"].startswith(reverse("login"))
    if to_login and expected.get(who, expected[ANON]) == LOGIN:
        return LOGIN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix(users, name):
    """Every role and every locked account against one URL; each request in a savepoint
    rolled back, so that what one person did (a POST) is never seen by the next."""
    expected = {**MATRIX[name][2], **dict.fromkeys(LOCKED, MATRIX[name][2][ANON])}
    answers = {}
    for who in WHO + LOCKED:
        with transaction.atomic():
            answers[who] = answer_of(users, name, who)
            transaction.set_rollback(True)

    assert answers == expected
