"""What the bench measures, picked in the scale dataset for the bench coordinator."""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from pacte.models import Structure, StructureKind
from participants.eligibility import search_key
from participants.models import Participant
from participants.views import PAGE_SIZE

# BARE and FLOOR are the references; LIST, the participants list in its four forms,
# each compared with the tuned admin changelist on the same rows (PEER); OTHER, a page.
BARE, FLOOR, LIST, OTHER, PEER = "bare", "floor", "list", "other", "peer"
PEER_PREFIX = "/__bench__/admin-tuned/participants/participant/"

# The targets of issue #18, as ratios to the bare reference measured in the same run.
FLOOR_MAX_BARE = 2
LIST_MAX_BARE = 6
DETAIL_MAX_BARE = 6
SMALL_LIST_MAX_BARE = 8  # needs attention, the check-in search, the partners
DASHBOARD_MAX_BARE = 35


@dataclass
class Case:
    name: str
    url: str
    kind: str
    expect: str
    runs: int = 50
    peer: str = ""  # the admin changelist query string this list compares with
    headers: dict | None = None
    max_bare: float | None = None  # at most this many times the bare reference


def _subjects(user):
    visible = Participant.objects.visible_to(user)
    participant = (
        visible.annotate(
            n=Count("follow_ups", distinct=True),
            j=Count("justice_measures", distinct=True),
            o=Count("outcomes", distinct=True),
        )
        .filter(n=20, j=1, o=1)
        .order_by("pk")
        .first()
    ) or visible.order_by("pk").first()
    event = (
        Event.objects.filter(territory_id=user.territory_id, date=timezone.localdate())
        .order_by("pk")
        .first()
        or Event.objects.filter(territory_id=user.territory_id).order_by("-date", "pk").first()
    )
    registered = (
        Registration.objects.filter(event=event)
        .exclude(status="cancelled")
        .select_related("participant")
        .order_by("pk")
        .first()
    )
    mission_locale = Structure.objects.filter(
        territory_id=user.territory_id, kind=StructureKind.MISSION_LOCALE
    ).order_by("pk")[0]
    pages = max(1, -(-visible.count() // PAGE_SIZE))
    return participant, event, registered.participant, mission_locale, pages


def plan(user) -> list[Case]:
    participant, event, checked, mission_locale, pages = _subjects(user)
    deep = max(1, pages * 9 // 10)
    name = search_key(checked.last_name).split()[0]
    jeunes = reverse("participants:list")
    filters = f"status=active&lives_in_qpv=true&structure_in_charge={mission_locale.pk}"
    peer_filters = (
        f"status__exact=active&lives_in_qpv__exact=1"
        f"&structure_in_charge__id__exact={mission_locale.pk}"
    )
    lists = {"kind": LIST, "expect": "Jeunes suivis", "max_bare": LIST_MAX_BARE}
    return [
        Case(
            "Nu (une fiche par clé, sans gabarit)",
            f"/__bench__/nu/{participant.pk}/",
            BARE,
            participant.last_name.upper(),
        ),
        Case(
            "Plancher (une fiche, gabarit de base)",
            f"/__bench__/plancher/{participant.pk}/",
            FLOOR,
            participant.last_name.upper(),
            max_bare=FLOOR_MAX_BARE,
        ),
        Case("Jeunes — page 1", jeunes, **lists),
        Case(
            f"Jeunes — page {deep} (profonde)",
            f"{jeunes}?page={deep}",
            peer=f"p={deep}",
            **lists,
        ),
        Case(
            "Jeunes — recherche « helene »",
            f"{jeunes}?q=helene",
            peer="q=helene",
            **(lists | {"expect": "Hélène"}),
        ),
        Case("Jeunes — filtres", f"{jeunes}?{filters}", peer=peer_filters, **lists),
        Case(
            "Fiche d’un jeune",
            reverse("participants:detail", args=[participant.pk]),
            OTHER,
            participant.last_name.upper(),
            max_bare=DETAIL_MAX_BARE,
        ),
        Case(
            "À suivre",
            reverse("participants:attention"),
            OTHER,
            "pacte-cards",
            max_bare=SMALL_LIST_MAX_BARE,
        ),
        Case(
            "Café-métiers (fiche)", reverse("events:detail", args=[event.pk]), OTHER, "Café-métiers"
        ),
        Case(
            f"Émargement — recherche « {name} »",
            f"{reverse('events:check_in', args=[event.pk])}?q={name}",
            OTHER,
            checked.last_name.upper(),
            max_bare=SMALL_LIST_MAX_BARE,
        ),
        Case(
            "Tableau de bord",
            reverse("dashboard"),
            OTHER,
            "Tableau de bord",
            max_bare=DASHBOARD_MAX_BARE,
        ),
        Case(
            "Partenaires",
            reverse("partners:list"),
            OTHER,
            "<tbody",
            max_bare=SMALL_LIST_MAX_BARE,
        ),
        Case("Admin — partenaires", "/admin/partners/partner/", OTHER, "result_list"),
    ]


def peers(cases) -> list[Case]:
    """The tuned admin changelist on the rows of each form of the participants list."""
    return [
        Case(
            f"Pair admin réglé — {case.name}",
            PEER_PREFIX + (f"?{case.peer}" if case.peer else ""),
            PEER,
            "result_list",
            peer=case.name,
        )
        for case in cases
        if case.kind == LIST
    ]
