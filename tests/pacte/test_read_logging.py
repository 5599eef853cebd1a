"""Every response that shows a participant's data adds its access-log entry, whatever the
HTTP method; OPTIONS answers without a body on every page."""

import pytest
from django.db import transaction
from django.urls import resolve, reverse

from pacte.models import AccessLog
from pacte.roles import Role
from tests import test_permission_matrix as matrix
from tests.test_permission_matrix import MATRIX, cell_item_args, paris_participant

# The matrix's accounts: conftest's, with today's Café-métiers, a table and a Cellule case.
users = matrix.users

pytestmark = pytest.mark.django_db

# The pages of one file, walked from the matrix: every row keyed by the participant.
FILE_PAGES = sorted(name for name, (_m, args, _e) in MATRIX.items() if args is paris_participant)
# Their forms, posted empty: the page comes back with its errors, showing the file again.
FORM_PAGES = [
    "participants:update",
    "participants:justice_edit",
    "participants:outcome_create",
    "participants:plan_action_create",
    "participants:hand_over",
    "participants:stand_in",
    "participants:follow_up_create",
    "participants:status_change",
]


def reader_of(name):
    """The role that opens the page (200) in the matrix, the coordination first."""
    method, _args, expected = MATRIX[name]
    for role in (Role.COORDINATOR, Role.COUNSELLOR, Role.PILOT):
        if expected[role] in {200, 302}:
            return role
    raise AssertionError(name)


def entries(participant):
    return AccessLog.objects.filter(participant_id=participant.pk).count()


def test_the_walk_covers_the_pages_of_a_file():
    assert {"participants:detail", "participants:history", "participants:justice_edit"} <= set(
        FILE_PAGES
    )
    assert set(FORM_PAGES) <= set(FILE_PAGES)


@pytest.mark.parametrize("name", FILE_PAGES)
def test_options_answers_without_a_body(client_for, users, name):
    participant = users["participant"]
    client = client_for(users[reader_of(name)])
    before = AccessLog.objects.count()

    response = client.options(reverse(name, args=[participant.pk]))

    assert response.status_code == 200
    assert response.content == b""
    assert "GET" in response["Allow"]
    assert AccessLog.objects.count() == before


@pytest.mark.parametrize("name", [n for n in FILE_PAGES if MATRIX[n][0] == "get"])
def test_a_page_of_a_file_adds_its_entry(client_for, users, name):
    participant = users["participant"]
    client = client_for(users[reader_of(name)])
    before = entries(participant)

    response = client.get(reverse(name, args=[participant.pk]))

    assert response.status_code == 200
    assert entries(participant) == before + 1


@pytest.mark.parametrize("name", FORM_PAGES)
def test_a_form_displayed_again_after_a_post_adds_its_entry(client_for, users, name):
    participant = users["participant"]
    client = client_for(users[reader_of(name)])
    before = entries(participant)

    response = client.post(reverse(name, args=[participant.pk]), {})

    assert response.status_code == 200, response.status_code
    assert entries(participant) == before + 1


def test_a_write_that_redirects_adds_its_write_entry_only(client_for, users):
    participant = users["participant"]
    client = client_for(users[Role.COUNSELLOR])
    before = list(AccessLog.objects.values_list("pk", flat=True))

    response = client.post(
        reverse("participants:follow_up_create", args=[participant.pk]),
        {"happened_on": "2026-11-02", "kind": "phone", "summary": "Appel"},
    )

    assert response.status_code == 302
    added = AccessLog.objects.exclude(pk__in=before)
    assert [entry.action for entry in added] == ["create"]


def test_a_cell_case_displayed_again_adds_its_entry(client_for, users):
    meeting_pk, item_pk = cell_item_args(users)
    client = client_for(users[Role.PILOT])
    url = reverse("cell:decision", args=[meeting_pk, item_pk])
    before = AccessLog.objects.filter(object_type="agendaitem").count()

    client.get(url)
    client.post(url, {})

    assert AccessLog.objects.filter(object_type="agendaitem").count() == before + 2


def test_the_counsellors_home_logs_the_names_it_shows(client_for, users):
    client = client_for(users[Role.COUNSELLOR])

    client.get(reverse("home"))

    entry = AccessLog.objects.get(user=users[Role.COUNSELLOR], object_type="participant")
    assert entry.action == "list"


def test_options_on_any_page_has_no_body(client_for, users):
    client = client_for(users[Role.COORDINATOR])
    for url in ("/", reverse("participants:list"), reverse("events:list"), "/journal/"):
        response = client.options(url)
        assert (response.status_code, response.content) == (200, b""), url


@pytest.mark.parametrize("query", ["q=%00", "%00=1", "sort=name%00", "page=1&q=a%00b", "annee=%00"])
def test_a_nul_byte_in_a_query_string_is_a_bad_request(client_for, users, query):
    client = client_for(users[Role.COORDINATOR])
    for url in (reverse("participants:list"), reverse("dashboard"), reverse("accounts:list")):
        assert client.get(f"{url}?{query}").status_code == 400, url


def test_a_nul_byte_in_a_form_is_a_bad_request(client_for, users):
    participant = users["participant"]
    client = client_for(users[Role.COUNSELLOR])

    response = client.post(
        reverse("participants:follow_up_create", args=[participant.pk]),
        {"happened_on": "2026-11-02", "kind": "phone", "summary": "Appel\x00"},
    )

    assert response.status_code == 400


def test_the_check_in_pages_that_name_a_person_add_their_entry(client_for, users):
    registration = users["registration"]
    client = client_for(users[Role.COORDINATOR])
    before = AccessLog.objects.filter(object_type="registration", action="read").count()

    client.get(reverse("events:check_in_token", args=[registration.check_in_token]))
    client.post(
        reverse("events:check_in_mark", args=[registration.pk]), headers={"HX-Request": "true"}
    )

    assert AccessLog.objects.filter(object_type="registration", action="read").count() == before + 2


# The walk: every URL of the matrix, opened by a role that reads it, with GET, HEAD,
# OPTIONS and a POST of an empty form. A response shows a young person's data when it
# names one (every file of the fixture is renamed with a mark no page writes otherwise)
# or hands out a document; HEAD runs the page of GET without sending it. Each response
# that shows data must add an entry, and its view must declare what it reads.
MARK = "Temoinlog"

# Views that write their entry themselves, and why.
LOGGED_BY_HAND = {
    # Before the data is collected: the export lists its own entry.
    "participants:right_of_access",
    # The file of a piece of work: its entry carries the work's filters and rows.
    "work:file",
}
# Pages that show the counsellor's own files: walked as the counsellor.
WALKED_AS = {"home": Role.COUNSELLOR}


@pytest.fixture
def marked(users):
    from participants.models import Participant

    for participant in Participant.objects.all():
        Participant.objects.filter(pk=participant.pk).update(last_name=f"{MARK}{participant.pk}")
    return users


def walked(name):
    method, args, expected = MATRIX[name]
    if name in WALKED_AS:
        return WALKED_AS[name], args
    readers = (Role.COORDINATOR, Role.COUNSELLOR, Role.PILOT, Role.RECRUITER)
    return next((role for role in readers if expected[role] in {200, 302}), None), args


WALKED = sorted(name for name in MATRIX if walked(name)[0])


def shows_data(response) -> bool:
    if not 200 <= response.status_code < 300:
        return False
    if response.get("Content-Disposition", "").startswith("attachment"):
        return True
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return MARK.lower().encode() in body.lower()


def test_the_walk_covers_the_pages_that_show_files():
    assert {"participants:detail", "events:detail", "cell:decision", "events:table"} <= set(WALKED)


@pytest.mark.parametrize("name", WALKED)
@pytest.mark.parametrize("method", ["get", "head", "options", "post"])
def test_every_response_that_shows_data_adds_an_entry(client_for, marked, name, method):
    users = marked
    reader, args = walked(name)
    client = client_for(users[reader])
    url = reverse(name, args=args(users) if args else None)
    if method == "head":  # shows what GET shows, without a body
        with transaction.atomic():
            shown = shows_data(client.get(url))
            transaction.set_rollback(True)
    before = AccessLog.objects.count()

    response = getattr(client, method)(url, **({"data": {}} if method == "post" else {}))

    if method == "options":
        assert (response.content, AccessLog.objects.count()) == (b"", before)
        return
    if method != "head":
        shown = shows_data(response)
    if shown:
        assert AccessLog.objects.count() > before, (name, method, response.status_code)
        view = resolve(url).func
        assert getattr(view, "reads", None) or name in LOGGED_BY_HAND, name


def test_the_walk_sees_a_page_that_shows_a_file(client_for, marked):
    """The mark is what a page of a file writes: the walk cannot pass by seeing nothing."""
    participant = marked["participant"]
    client = client_for(marked[Role.COORDINATOR])

    assert shows_data(client.get(reverse("participants:detail", args=[participant.pk])))
    assert not shows_data(client.get(reverse("legal_notice")))
