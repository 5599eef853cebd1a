"""The young person's personal page (#19 item 1): opened by the link of every message,
without an account; one registration, neutral words, logged, and a plain 404 for any link
that no longer opens it."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from events import notifications, personal_links
from events.models import Registration, RegistrationStatus, WorkshopKind, new_personal_token
from pacte import sms
from pacte.models import AccessAction, AccessLog
from participants.models import PreferredChannel
from tests.events.factories import EventFactory, RegistrationFactory, WorkshopFactory
from tests.helpers import require_pdf_engine

Status = RegistrationStatus
FORBIDDEN_WORDS = ("pacte", "2ème chance", "justice", "spip", "pjj", "prison", "peine", "détention")
PHONE = "+33612345678"
SITE = "https://cafe-metiers.example.fr"


@pytest.fixture(autouse=True)
def public_site(messages_at_once, settings):
    settings.SITE_URL = SITE


@pytest.fixture
def event(db):
    return EventFactory(
        date=dt.date(2026, 12, 16),  # a Wednesday
        venue="Préfecture de Paris",
        address="5 rue Leblanc, 75015 Paris",
    )


@pytest.fixture
def registration(event):
    registration = RegistrationFactory(
        event=event,
        participant__first_name="Yanis",
        participant__last_name="Tessier",
        participant__phone=PHONE,
        participant__referent__first_name="Claire",
        participant__referent__phone="+33142000000",
    )
    registration.workshops.add(
        WorkshopFactory(event=event, kind=WorkshopKind.COACHING, starts_at=dt.time(14, 30))
    )
    return registration


@pytest.fixture
def on_the_day_before(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 12, 15))


def page(token, suffix=""):
    return Client().get(reverse("events:personal_page", args=[token]) + suffix)


# The page --------------------------------------------------------------------------------


def test_the_page_says_when_where_what_to_bring_and_whom_to_call(registration):
    response = page(registration.personal_token)

    assert response.status_code == 200
    text = re.sub(r"\s+", " ", response.content.decode())
    assert "Bonjour Yanis" in text
    assert "Mercredi 16 décembre, 14 h 00" in text
    assert "Préfecture de Paris" in text and "5 rue Leblanc, 75015 Paris" in text
    assert "openstreetmap.org/search?query=" in text
    assert "pièce d&#x27;identité" in text or "pièce d'identité" in text
    assert "14 h 30 – " in text and "Coaching : se présenter" in text
    assert 'href="tel:+33142000000"' in text and "Claire" in text
    assert 'src="data:image/svg+xml' in text  # the QR code to show at the door
    assert reverse("events:personal_convocation", args=[registration.personal_token]) in text
    assert reverse("events:personal_calendar", args=[registration.personal_token]) in text


def test_the_page_never_names_the_programme_nor_hints_at_justice(registration):
    registration.participant.referent.structure.name = "SPIP de Paris"
    registration.participant.referent.structure.save()
    text = page(registration.personal_token).content.decode().lower()
    for word in FORBIDDEN_WORDS:
        assert word not in text, (
            word,
            [text[max(0, m.start() - 80) : m.end() + 40] for m in re.finditer(word, text)],
        )
    assert "se connecter" not in text  # a young person has no account here


def test_the_page_is_private_to_search_engines_caches_and_referrers(registration):
    response = page(registration.personal_token)

    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    # No referrer to any other site (the map's); the page's own forms keep their Origin.
    assert response["Referrer-Policy"] == "same-origin"
    assert 'rel="noopener noreferrer"' in response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_the_page_shows_that_registration_only(registration, event):
    other = RegistrationFactory(event=event, participant__first_name="Inès")
    text = page(registration.personal_token).content.decode()
    assert "Yanis" in text and "Inès" not in text
    assert other.personal_token not in text


def test_every_opening_is_one_entry_of_the_access_log_without_an_account(registration):
    page(registration.personal_token)
    page(registration.personal_token)

    entries = AccessLog.objects.filter(object_type="registration", object_id=registration.pk)
    assert entries.count() == 2
    entry = entries.first()
    assert entry.user is None and entry.action == AccessAction.READ
    assert entry.participant_id == registration.participant_id
    assert entry.territory_id == registration.event.territory_id  # its pilot reads it
    assert registration.personal_token not in entry.path and "[jeton]" in entry.path


def test_the_waiting_list_page_holds_no_qr_code_and_no_convocation(event):
    waiting = RegistrationFactory(event=event, status=Status.WAITING)
    response = page(waiting.personal_token)

    assert response.status_code == 200
    assert "liste d’attente" in response.content.decode()
    assert "data:image/svg+xml" not in response.content.decode()
    assert page(waiting.personal_token, "convocation.pdf").status_code == 404


# Links that open nothing ----------------------------------------------------------------


def _plain_404(response):
    assert response.status_code == 404
    text = response.content.decode()
    assert "Ce lien n’est plus valable" in text
    assert "Yanis" not in text and "Leblanc" not in text
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_or_tampered_token_is_a_plain_404(registration):
    _plain_404(page(new_personal_token()))
    token = registration.personal_token
    _plain_404(page(token[:-1] + ("B" if token[-1] == "A" else "A")))
    _plain_404(page("x" * 200))
    assert not AccessLog.objects.filter(object_type="registration").exists()


def test_the_link_is_valid_until_the_day_after_the_event(registration, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 12, 17))
    assert page(registration.personal_token).status_code == 200
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 12, 18))
    _plain_404(page(registration.personal_token))


def test_a_new_link_revokes_the_old_one(registration):
    old = registration.personal_token
    renewed = personal_links.personal_link_renew(
        by=registration.invited_by, registration=registration
    )

    _plain_404(page(old))
    assert page(renewed.personal_token).status_code == 200
    assert renewed.personal_token != old


def test_a_withdrawn_registration_opens_nothing(registration):
    Registration.objects.filter(pk=registration.pk).update(status=Status.CANCELLED)
    _plain_404(page(registration.personal_token))


def test_the_personal_token_is_not_the_check_in_token_and_holds_128_bits(registration):
    assert registration.personal_token != registration.check_in_token
    assert len(registration.personal_token) >= 22  # 16 random bytes, URL-safe base64
    assert registration.check_in_token not in page(registration.personal_token).content.decode()


def test_only_reading_methods_answer(registration):
    url = reverse("events:personal_page", args=[registration.personal_token])
    assert Client().post(url).status_code == 405


# Documents -------------------------------------------------------------------------------


def test_the_convocation_pdf_and_the_calendar_entry_download_by_the_link(registration):
    require_pdf_engine()
    pdf = page(registration.personal_token, "convocation.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Yanis" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()

    ics = page(registration.personal_token, "agenda.ics")
    assert ics.status_code == 200
    (entry,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert "Leblanc" in str(entry["LOCATION"])
    exports = AccessLog.objects.filter(action=AccessAction.EXPORT, object_id=registration.pk)
    assert exports.count() == 2 and not exports.filter(user__isnull=False).exists()


# Messages carry the link -----------------------------------------------------------------


def _link(registration):
    return f"{SITE}/c/{registration.personal_token}/"


def test_every_sms_carries_the_link_whole_within_two_parts(registration):
    long_address = "Salle polyvalente du centre administratif, 123 boulevard de la Villette"
    registration.event.address = long_address * 2
    registration.event.save()
    notifications.send_convocation(registration)

    (entry,) = sms.outbox
    assert entry["text"].endswith(_link(registration))
    assert sms.segments(entry["text"]) <= 2 and sms.is_gsm(entry["text"])
    assert "..." in entry["text"]  # the text was cut, before the link


def test_the_convocation_email_carries_the_link(registration):
    participant = registration.participant
    participant.email = "yanis@exemple.fr"
    participant.preferred_channel = PreferredChannel.EMAIL
    participant.save()
    notifications.send_convocation(registration)

    (message,) = mail.outbox
    assert _link(registration) in message.body


def test_the_reminder_the_change_notice_and_the_waiting_notice_carry_it(registration, event):
    notifications.send_change_notice(registration)
    waiting = RegistrationFactory(event=event, status=Status.WAITING, participant__phone=PHONE)
    notifications.send_waiting_notice(waiting)

    texts = [entry["text"] for entry in sms.outbox]
    assert texts[0].endswith(_link(registration))
    assert texts[1].endswith(_link(waiting)) and "code QR" not in texts[1]


def test_fit_cuts_the_text_never_the_tail():
    tail = "Détails et code QR : https://cafe-metiers.example.fr/c/" + "A" * 22 + "/"
    text = sms.fit("mot " * 200, max_segments=2, tail=tail)
    assert text.endswith(tail) and sms.segments(text) == 2
    assert sms.fit("Court.", tail=tail) == f"Court. {tail}"


# The host name -----------------------------------------------------------------------------


def test_check_deploy_refuses_a_host_that_names_the_programme(settings):
    from pacte.checks import site_url_is_discreet

    settings.SITE_URL = "https://pacte2echance.paris.gouv.fr"
    (error,) = site_url_is_discreet()
    assert error.id == "pacte.E009"
    settings.SITE_URL = "https://cafe-metiers.paris.gouv.fr"
    assert site_url_is_discreet() == []


def test_the_demo_prints_a_personal_link(db, capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    output = capsys.readouterr().out
    path = re.search(r"/c/[A-Za-z0-9_-]{22}/", output).group()
    shown = page(path.split("/")[2])
    assert shown.status_code == 200
    assert "Je viens" in shown.content.decode()  # a coming event, still to answer


def test_the_referent_gets_a_new_link_from_the_event_page(client_for, registration):
    counsellor = registration.participant.referent
    old = registration.personal_token
    client = client_for(counsellor)

    response = client.post(
        reverse("events:personal_link_renew", args=[registration.pk]), follow=True
    )

    registration.refresh_from_db()
    assert registration.personal_token != old
    assert f"/c/{registration.personal_token}/" in response.content.decode()
    _plain_404(page(old))
    assert AccessLog.objects.filter(
        action=AccessAction.UPDATE, object_id=registration.pk, user=counsellor
    ).exists()


def test_nobody_else_renews_a_link(registration, users):
    from pacte.exceptions import DomainError

    with pytest.raises(DomainError):
        personal_links.personal_link_renew(by=users["other_coordinator"], registration=registration)
