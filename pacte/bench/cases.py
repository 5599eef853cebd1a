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

LIST, DETAIL, OTHER, FLOOR, PEER_STOCK, PEER_TUNED = (
    "list",
    "detail",
    "other",
    "floor",
    "stock",
    "tuned",
)
STOCK_PREFIX = "/__bench__/admin-stock/participants/participant/"
TUNED_PREFIX = "/__bench__/admin-tuned/participants/participant/"


@dataclass
class Case:
    name: str
    url: str
    kind: str
    expect: str
    runs: int = 50
    peer: str = ""  # the admin changelist query string this list compares with
    headers: dict | None = None


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
    return [
        Case(
            "Plancher (une fiche, gabarit de base)",
            f"/__bench__/plancher/{participant.pk}/",
            FLOOR,
            participant.last_name.upper(),
        ),
        Case("Jeunes — page 1", jeunes, LIST, "Jeunes suivis", peer=""),
        Case(
            f"Jeunes — page {deep} (profonde)",
            f"{jeunes}?page={deep}",
            LIST,
            "Jeunes suivis",
            peer=f"p={deep}",
        ),
        Case(
            "Jeunes — recherche « helene »", f"{jeunes}?q=helene", LIST, "Hélène", peer="q=helene"
        ),
        Case("Jeunes — filtres", f"{jeunes}?{filters}", LIST, "Jeunes suivis", peer=peer_filters),
        Case(
            "Fiche d’un jeune",
            reverse("participants:detail", args=[participant.pk]),
            DETAIL,
            participant.last_name.upper(),
        ),
        Case("À suivre", reverse("participants:attention"), LIST, "pacte-cards"),
        Case(
            "Café-métiers (fiche)", reverse("events:detail", args=[event.pk]), OTHER, "Café-métiers"
        ),
        Case(
            f"Émargement — recherche « {name} »",
            f"{reverse('events:check_in', args=[event.pk])}?q={name}",
            LIST,
            checked.last_name.upper(),
        ),
        Case("Tableau de bord", reverse("dashboard"), OTHER, "Tableau de bord"),
        Case("Partenaires", reverse("partners:list"), LIST, "<tbody"),
        Case("Admin — partenaires", "/admin/partners/partner/", LIST, "result_list"),
        Case(
            "Export XLSX des jeunes",
            reverse("participants:export", args=["xlsx"]),
            OTHER,
            "PK",
            runs=5,
        ),
    ]


def peers(cases) -> list[Case]:
    rows = []
    for case in cases:
        # The peers show the participants list: they compare with its four forms.
        if case.kind != LIST or not case.name.startswith("Jeunes —"):
            continue
        query = f"?{case.peer}" if case.peer else ""
        rows.append(
            Case(
                f"Pair admin brut — {case.name}",
                STOCK_PREFIX + query,
                PEER_STOCK,
                "result_list",
                peer=case.name,
            )
        )
        rows.append(
            Case(
                f"Pair admin réglé — {case.name}",
                TUNED_PREFIX + query,
                PEER_TUNED,
                "result_list",
                peer=case.name,
            )
        )
    return rows
