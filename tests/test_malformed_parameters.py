"""No malformed parameter gives a 500: every GET page of the matrix, opened by the roles
that open it, with garbage in the parameters its lists, filters and forms read."""

import pytest
from django.urls import reverse

from pacte.roles import Role
from tests import test_permission_matrix as matrix

pytestmark = pytest.mark.django_db

users = matrix.users  # the matrix's accounts and objects

HUGE = "9" * 30
GARBAGE = [
    {"page": "abc", "sort": "-nope", "q": "x" * 3000},
    {"page": HUGE, "annee": HUGE, "mois": HUGE, "trimestre": HUGE},
    {"page": "-1", "annee": "-1", "periode": "mois", "mois": "13"},
    {"annee": "0", "periode": "trimestre", "trimestre": "9"},
    {
        "structure": HUGE,
        "referent": HUGE,
        "programme_year": HUGE,
        "status": "bogus",
        "role": "bogus",
        "kind": "bogus",
        "territory": HUGE,
        "event": HUGE,
        "participant": HUGE,
    },
    {"structure": "abc", "referent": "1.5", "programme_year": "1e9", "status": ["a", "b"]},
    {
        "date": "2026-13-45",
        "date_from": "31/02/2026",
        "date_to": "x",
        "from": "9999-99-99",
        "to": "-1",
        "since": "x",
        "until": "x",
        "jour": "x",
    },
    {"sort": "x" * 500, "q": "é" * 400, "page": "1" * 400},
    {"q": "%", "sort": "__class__", "annee": "२०२६"},
]
GET_PAGES = sorted(name for name, (method, _a, _e) in matrix.MATRIX.items() if method == "get")
ROLES = [Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR, Role.RECRUITER, Role.ADMINISTRATOR]


@pytest.mark.parametrize("name", GET_PAGES)
def test_no_malformed_parameter_gives_a_server_error(client_for, users, name):
    _method, args, expected = matrix.MATRIX[name]
    url = reverse(name, args=args(users) if args else None)
    failures = []
    # Two roles a page at most (the first that open it): the parameters are read alike.
    for role in [role for role in ROLES if expected[role] == 200][:2]:
        client = client_for(users[role])
        for params in GARBAGE:
            response = client.get(url, params)
            if response.status_code >= 500:
                failures.append((role, params))
    assert not failures, failures


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_nul_byte_anywhere_in_the_query_is_a_bad_request(client_for, users, name):
    _method, args, expected = matrix.MATRIX[name]
    url = reverse(name, args=args(users) if args else None)
    role = next((role for role in ROLES if expected[role] == 200), None)
    client = client_for(users[role] if role else None)

    assert client.get(url, {"q": "a\x00b"}).status_code == 400
    assert client.get(url + "?x%00=1").status_code == 400
