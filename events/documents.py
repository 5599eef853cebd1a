"""The printed documents of a Café-métiers: convocation, attendance sheet, badges, attestation.

Whatever reaches the young person (convocation, badge, attestation, the sheet they sign)
speaks of the Café-métiers and the prefecture only: never the programme's name, never
the justice. That is why the event's free title is not printed: a fixed wording is.
"""

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from events.models import RegistrationStatus
from pacte.exceptions import DomainError
from pacte.models import StructureKind
from pacte.pdf import render_pdf

Status = RegistrationStatus

EVENT_NAME = "Café-métiers"
WHAT_TO_BRING = [
    "une pièce d'identité (ou le récépissé de votre demande)",
    "plusieurs CV imprimés, si vous en avez",
    "cette convocation, imprimée ou sur votre téléphone",
]
EXPECTED_STATUSES = [Status.INVITED, Status.CONFIRMED, Status.PRESENT]
BADGE_STATUSES = [Status.CONFIRMED, Status.PRESENT]
BADGES_PER_ROW = 2
BADGES_PER_PAGE = 10
# Structures whose very name says the young person comes from prison: never printed on a
# sheet that the young people sign and that passes from hand to hand at the door.
JUSTICE_STRUCTURES = {StructureKind.SPIP, StructureKind.PJJ}


# Words and figures as people write them ------------------------------------------------


def long_date(day) -> str:
    """« mercredi 14 mars 2018 », « jeudi 1er mars 2018 »."""
    with translation.override("fr"):
        weekday, month_year = date_format(day, "l"), date_format(day, "F Y")
    number = "1er" if day.day == 1 else str(day.day)
    return f"{weekday} {number} {month_year}"


def time_label(moment) -> str:
    """« 14 h 00 »."""
    return f"{moment:%H} h {moment:%M}"


def badge_name(participant) -> str:
    """First name and initial of the last name only: « Yanis T. »."""
    last_name = participant.last_name.strip()
    initial = f" {last_name[0].upper()}." if last_name else ""
    return f"{participant.first_name.strip()}{initial}"


def structure_label(structure) -> str:
    if structure is None or structure.kind in JUSTICE_STRUCTURES:
        return "—"
    return structure.name


# The check-in link carried by the QR code ------------------------------------------------


def check_in_path(registration) -> str:
    try:
        return reverse("events:check_in_token", args=[registration.check_in_token])
    except NoReverseMatch:
        return f"/emargement/{registration.check_in_token}/"


def site_url() -> str:
    """The site's address, for links built without a request (e-mails, commands)."""
    url = getattr(settings, "SITE_URL", "")
    if url:
        return url.rstrip("/")
    if settings.DEBUG:
        return "http://localhost:8000"
    raise ImproperlyConfigured("SITE_URL must be set to print a check-in link without a request.")


def check_in_url(request, registration) -> str:
    """The absolute address of the check-in page for this registration's token."""
    path = check_in_path(registration)
    if request is not None:
        return request.build_absolute_uri(path)
    return site_url() + path


def qr_code(url) -> str:
    """An inline SVG data URI for an <img>: a regular QR code (phones read it), with its margin."""
    return segno.make_qr(url, error="m").svg_data_uri(scale=4, border=4)


# Documents --------------------------------------------------------------------------------


def _event_context(event) -> dict:
    return {
        "operator": event.territory.prefecture_name,
        "event_name": EVENT_NAME,
        "event": event,
        "date_label": long_date(event.date),
        "starts_label": time_label(event.starts_at),
        "ends_label": time_label(event.ends_at),
    }


def convocation_context(request, registration) -> dict:
    return {
        **_event_context(registration.event),
        "participant": registration.participant,
        "what_to_bring": WHAT_TO_BRING,
        "qr_code": qr_code(check_in_url(request, registration)),
    }


def convocation_pdf(request, registration):
    """One A4 page the young person brings: when, where, what to bring, the QR code."""
    event = registration.event
    return render_pdf(
        request,
        "documents/convocation.html",
        convocation_context(request, registration),
        filename=f"convocation-cafe-metiers-{event.date:%Y-%m-%d}-{registration.pk}",
    )


def expected_registrations(event, workshop=None):
    if workshop is not None and workshop.event_id != event.pk:
        raise ValueError("The workshop belongs to another event.")
    registrations = workshop.registrations if workshop is not None else event.registrations
    return (
        registrations.filter(status__in=EXPECTED_STATUSES)
        .select_related("participant__structure_in_charge")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )


def attendance_rows(event, workshop=None) -> list[dict]:
    return [
        {
            "number": number,
            "last_name": registration.participant.last_name.upper(),
            "first_name": registration.participant.first_name,
            "structure": structure_label(registration.participant.structure_in_charge),
        }
        for number, registration in enumerate(expected_registrations(event, workshop), start=1)
    ]


def _workshop_context(workshop) -> dict:
    if workshop is None:
        return {"workshop": None, "workshop_label": "", "workshop_times": "", "workshop_room": ""}
    return {
        "workshop": workshop,
        "workshop_label": workshop.title or workshop.get_kind_display(),
        "workshop_times": f"{time_label(workshop.starts_at)} – {time_label(workshop.ends_at)}",
        "workshop_room": workshop.room,
    }


def attendance_sheet_pdf(request, event, workshop=None):
    """The sheet signed at the door, one line per young person expected, by last name."""
    suffix = f"-atelier-{workshop.pk}" if workshop is not None else ""
    return render_pdf(
        request,
        "documents/attendance_sheet.html",
        {
            **_event_context(event),
            **_workshop_context(workshop),
            "rows": attendance_rows(event, workshop),
        },
        filename=f"feuille-emargement-{event.date:%Y-%m-%d}{suffix}",
    )


def _chunks(items, size) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def badge_pages(event) -> list[list[list[str]]]:
    """Pages of rows of badge names: 10 labels a page, 2 a row."""
    registrations = (
        event.registrations.filter(status__in=BADGE_STATUSES)
        .select_related("participant")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    names = [badge_name(registration.participant) for registration in registrations]
    return [_chunks(page, BADGES_PER_ROW) for page in _chunks(names, BADGES_PER_PAGE)]


def badges_pdf(request, event):
    """A4 sheets of 2 × 5 labels: « Yanis T. », the Café-métiers and its date."""
    return render_pdf(
        request,
        "documents/badges.html",
        {**_event_context(event), "pages": badge_pages(event)},
        filename=f"badges-cafe-metiers-{event.date:%Y-%m-%d}",
    )


def attestation_pdf(request, registration):
    """The prefecture attests that the young person attended (checked in)."""
    if registration.status != Status.PRESENT:
        raise DomainError(
            "Une attestation de présence n'est délivrée qu'à un jeune émargé au Café-métiers."
        )
    event = registration.event
    return render_pdf(
        request,
        "documents/attestation.html",
        {
            **_event_context(event),
            "participant": registration.participant,
            "issued_label": long_date(timezone.localdate()),
        },
        filename=f"attestation-presence-{event.date:%Y-%m-%d}-{registration.pk}",
    )
