"""What the national scale needs from the participants' reads, proved correct.

The trigram index serves the accent-insensitive search (EXPLAIN, PostgreSQL) and
answers exactly what a scan answers; the deferred-join pages are Django's pages.
"""

import pytest
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.urls import reverse

from events.selectors import participants_matching
from pacte.factories import StructureFactory, UserFactory
from pacte.pagination import DeferredJoinPaginator
from pacte.roles import Role
from participants.eligibility import search_key
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.filters import ParticipantFilter
from participants.models import Participant
from participants.selectors import participants_for_list

NAMES = [
    ("Hélène", "Dupont"),
    ("Helene", "Camara"),
    ("Léa", "Müller"),
    ("Zoé", "Lefèvre-Aïdi"),
    ("Noël", "Château"),
    ("Anaïs", "Hélénon"),
]


@pytest.fixture
def crowd(users):
    like = users["participant"]
    people = []
    for index in range(240):
        first, last = NAMES[index % len(NAMES)]
        people.append(
            ParticipantFactory(
                programme_year=like.programme_year,
                structure_in_charge=like.structure_in_charge,
                referent=like.referent,
                first_name=first,
                last_name=f"{last}{'' if index < 6 else index}",
                search_name=search_key(first, f"{last}{'' if index < 6 else index}"),
            )
        )
    return people


def search(user, query):
    return ParticipantFilter({"q": query}, queryset=participants_for_list(user), user=user).qs


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_accent_insensitive_search_reads_the_trigram_index(users, crowd, other_territory):
    """The LIKE on the normalised column is what the index serves (an index on the plain
    column never would: icontains compiles to UPPER(...) LIKE). Read over every territory's
    files (no user opens them all: the administrator reads none), which the name alone
    narrows; at scale a coordinator's search combines it with the territory (a BitmapAnd,
    see make bench)."""
    coordinator = users[Role.COORDINATOR]
    like = crowd[0]
    year = ProgrammeYearFactory(territory=other_territory)
    structure = StructureFactory(territory=other_territory)
    counsellor = UserFactory(role=Role.COUNSELLOR, structure=structure)
    Participant.objects.bulk_create(
        Participant(
            territory=other_territory,
            programme_year=year,
            first_name="Yanis",
            last_name=f"Traoré{index}",
            search_name=f"yanis traore{index}",
            birth_date=like.birth_date,
            referred_by=structure,
            referred_on=like.referred_on,
            structure_in_charge=structure,
            referent=counsellor,
            enrolled_on=like.enrolled_on,
        )
        for index in range(4000)
    )
    with connection.cursor() as cursor:
        # What autovacuum does in production: the rows just added leave GIN's pending list.
        cursor.execute("SELECT gin_clean_pending_list('participant_search_trgm')")
        cursor.execute("ANALYZE participants_participant")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        every_file = Participant.objects.all()
        found = ParticipantFilter({"q": "hélène"}, queryset=every_file, user=coordinator).qs
        plan = plan_of(found.order_by())

    assert "participant_search_trgm" in plan, plan


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_index_answers_what_a_full_scan_answers(users, crowd):
    coordinator = users[Role.COORDINATOR]
    queries = ["helene", "HÉLÈNE dup", "aidi", "lefevre aidi", "chateau", "zz", "helen"]
    with_index = {q: sorted(search(coordinator, q).values_list("pk", flat=True)) for q in queries}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        scanned = {q: sorted(search(coordinator, q).values_list("pk", flat=True)) for q in queries}

    visible = participants_for_list(coordinator)
    in_python = {
        q: sorted(
            p.pk for p in visible if all(word in p.search_name for word in search_key(q).split())
        )
        for q in queries
    }
    assert with_index == scanned == in_python
    assert len(with_index["helen"]) >= 120  # Hélène, Helene and Anaïs Hélénon
    assert with_index["zz"] == []


@pytest.mark.django_db
def test_the_search_ignores_accents_case_and_hyphens(users, crowd):
    coordinator = users[Role.COORDINATOR]
    names = {(p.first_name, p.last_name) for p in search(coordinator, "LEFEVRE aïdi")}
    assert names == {("Zoé", "Lefèvre-Aïdi")} | {
        ("Zoé", f"Lefèvre-Aïdi{i}") for i in range(6, 240) if i % 6 == 3
    }


@pytest.mark.django_db
@pytest.mark.parametrize("orphans", [0, 3])
def test_deferred_join_pages_are_djangos_pages(users, crowd, orphans):
    rows = Participant.objects.order_by("last_name", "first_name", "pk")
    ours, django = (
        DeferredJoinPaginator(rows, 25, orphans=orphans),
        Paginator(rows, 25, orphans=orphans),
    )

    assert ours.num_pages == django.num_pages
    for number in ours.page_range:
        assert list(ours.page(number)) == list(django.page(number)), number


@pytest.mark.django_db
def test_the_list_deep_page_is_the_sorted_slice(client_for, users, crowd):
    response = client_for(users[Role.COORDINATOR]).get(
        reverse("participants:list"), {"page": 4, "sort": "-enrolled_on"}
    )
    expected = list(
        Participant.objects.filter(territory=users["participant"].territory).order_by(
            "-enrolled_on", "pk"
        )[150:200]
    )
    assert list(response.context["page_obj"].object_list) == expected


@pytest.mark.django_db
def test_a_pick_list_offers_matches_only_and_never_a_whole_territory(users, crowd):
    everyone = Participant.objects.all()

    assert list(participants_matching(everyone, "")) == []
    matches = list(participants_matching(everyone, "helene", limit=30))
    assert len(matches) == 30
    assert all("helene" in p.search_name for p in matches)
    assert matches == sorted(matches, key=lambda p: (p.last_name, p.first_name, p.pk))
