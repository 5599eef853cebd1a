"""SMS cost what phones bill (GSM 7-bit where possible, never more parts than asked), and
reach Brevo as it documents, each refusal told permanent or temporary."""

import io
import json
import socket
import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from pacte import sms
from tests import sms_stub as stub
from tests.sms_stub import BrevoStub


def test_typography_and_accents_outside_the_gsm_alphabet_are_made_plain():
    text = sms.to_gsm("Vous êtes attendu(e) — « Café-métiers », reçu l’invitation ; Anaïs")

    assert text == 'Vous etes attendu(e) - "Café-métiers", recu l\'invitation ; Anais'
    assert all(sms.septets(char) for char in text)


def test_a_letter_without_a_gsm_form_sends_the_message_in_ucs2():
    assert sms.segments("a" * 160) == 1
    assert sms.segments("a" * 161) == 2  # 153 septets per part
    assert sms.segments("Łukasz " + "a" * 63) == 1  # 70 characters in UCS-2
    assert sms.segments("Łukasz " + "a" * 64) == 2


def test_characters_of_the_extension_table_count_twice():
    assert sms.septets("€") == 2
    assert sms.segments("€" * 80) == 1
    assert sms.segments("€" * 81) == 2


def test_a_long_text_is_cut_to_the_parts_allowed():
    fitted = sms.fit("mot " * 200, max_segments=2)

    assert fitted.endswith("...")
    assert sms.segments(fitted) == 2
    assert len(fitted) <= 2 * 153


def test_a_short_text_is_left_whole_on_one_line():
    assert sms.fit("Rendez-vous\n  demain   à 14 h") == "Rendez-vous demain à 14 h"


# Backends --------------------------------------------------------------------------------


@pytest.fixture
def brevo(settings):
    """The Brevo backend, talking to a loopback stub of Brevo's API."""
    with BrevoStub() as stub:
        settings.SMS_BACKEND = "pacte.sms.BrevoBackend"
        settings.SMS_API_URL = stub.url
        settings.SMS_API_KEY = "xkeysib-test-key"
        settings.SMS_SENDER = "Prefecture"
        settings.SMS_CONNECT_TIMEOUT = 0.5
        settings.SMS_READ_TIMEOUT = 0.5
        yield stub


def test_brevo_gets_the_documented_request(brevo):
    message_id = sms.send_sms("+33612345678", "Rendez-vous demain à 14 h")

    (request,) = brevo.requests
    assert request.method == "POST"
    assert request.path == "/v3/transactionalSMS/send"
    assert request.headers["api-key"] == "xkeysib-test-key"
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "sender": "Prefecture",
        "recipient": "33612345678",
        "content": "Rendez-vous demain à 14 h",
        "type": "transactional",
    }
    assert message_id == "1000"


def test_the_id_brevo_answers_is_returned_as_text(brevo):
    brevo.script(stub.accepted(1511882900176220), stub.accepted("abc-42"))

    assert sms.send_sms("+33612345678", "Un") == "1511882900176220"
    assert sms.send_sms("+33612345678", "Deux") == "abc-42"


def test_a_national_number_goes_in_international_digits(brevo):
    sms.send_sms("06 98 76 54 32", "Bonjour")

    assert brevo.requests[0].json["recipient"] == "33698765432"


def test_a_text_outside_the_gsm_alphabet_is_sent_as_unicode(brevo):
    sms.send_sms("+33612345678", "Łukasz, à demain")

    assert brevo.requests[0].json["unicodeEnabled"] is True


def test_an_unreadable_number_is_refused_for_good_without_asking_brevo(brevo):
    with pytest.raises(sms.SmsPermanentError) as refused:
        sms.send_sms("pas un numéro", "Bonjour")

    assert refused.value.message == "Numéro de téléphone invalide"
    assert brevo.requests == []


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        (stub.INVALID_NUMBER, sms.SmsPermanentError, "Numéro refusé par l’opérateur"),
        (stub.BAD_REQUEST, sms.SmsPermanentError, "Message refusé par le service SMS"),
        (
            stub.INVALID_SENDER,
            sms.SmsTemporaryError,
            "Nom d’expéditeur refusé par le service SMS",
        ),
        (stub.KEY_REFUSED, sms.SmsTemporaryError, "Clé du service SMS refusée"),
        (stub.NO_CREDIT, sms.SmsTemporaryError, "Crédit SMS épuisé"),
        (stub.PERMISSION_DENIED, sms.SmsTemporaryError, "Compte SMS non autorisé à envoyer"),
        (
            stub.RATE_LIMITED,
            sms.SmsTemporaryError,
            "Trop d’envois : le service SMS demande d’attendre",
        ),
        (stub.SERVER_ERROR, sms.SmsTemporaryError, "Le service SMS est indisponible"),
        (stub.UNAVAILABLE, sms.SmsTemporaryError, "Le service SMS est indisponible"),
    ],
)
def test_each_refusal_of_brevo_is_permanent_or_temporary(brevo, answer, error, message):
    brevo.script(answer)

    with pytest.raises(sms.SmsError) as raised:
        sms.send_sms("+33612345678", "Bonjour")

    assert type(raised.value) is error
    assert raised.value.message == message
    assert raised.value.status == answer.status
    # The provider's own words, for the logs.
    assert raised.value.detail.startswith(f"HTTP {answer.status}: ")
    body = answer.body if isinstance(answer.body, str) else answer.body["message"]
    assert body in raised.value.detail
    assert "xkeysib" not in str(raised.value)


def test_a_rate_limit_says_how_long_to_wait(brevo):
    brevo.script(stub.RATE_LIMITED)

    with pytest.raises(sms.SmsTemporaryError) as raised:
        sms.send_sms("+33612345678", "Bonjour")

    assert raised.value.retry_after == 12.0


def test_a_temporary_failure_goes_at_a_later_try(brevo):
    brevo.script(stub.SERVER_ERROR, stub.UNAVAILABLE, stub.accepted(7))

    for _ in range(2):
        with pytest.raises(sms.SmsTemporaryError):
            sms.send_sms("+33612345678", "Bonjour")
    assert sms.send_sms("+33612345678", "Bonjour") == "7"
    assert len(brevo.requests) == 3


def test_a_silent_brevo_gives_a_temporary_error_within_the_read_timeout(brevo):
    brevo.script(stub.slow(10))
    started = time.monotonic()

    with pytest.raises(sms.SmsTemporaryError) as raised:
        sms.send_sms("+33612345678", "Bonjour")

    assert time.monotonic() - started < 3
    assert raised.value.message == "Le service SMS ne répond pas"
    assert "ReadTimeout" in raised.value.detail


def test_an_unreachable_brevo_gives_a_temporary_error(brevo, settings):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        settings.SMS_API_URL = f"http://127.0.0.1:{probe.getsockname()[1]}"

    with pytest.raises(sms.SmsTemporaryError) as raised:
        sms.send_sms("+33612345678", "Bonjour")

    assert raised.value.message == "Le service SMS est injoignable"


def test_without_a_key_nothing_is_sent(brevo, settings):
    settings.SMS_API_KEY = ""

    with pytest.raises(sms.SmsTemporaryError) as raised:
        sms.send_sms("+33612345678", "Bonjour")

    assert raised.value.message == "Service SMS non configuré"
    assert brevo.requests == []


def test_an_answer_accepted_without_an_id_is_not_sent_again(brevo):
    brevo.script(stub.Answer(201, {}))

    assert sms.send_sms("+33612345678", "Bonjour").startswith("brevo-unknown-")


def test_development_backends_return_an_id(settings, tmp_path):
    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    sms.outbox.clear()
    message_id = sms.send_sms("+33612345678", "Bonjour")
    assert message_id.startswith("locmem-")
    assert sms.outbox == [{"to": "+33612345678", "text": "Bonjour", "id": message_id}]
    sms.outbox.clear()

    settings.SMS_BACKEND = "pacte.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    message_id = sms.send_sms("+33612345678", "Bonjour")
    line = json.loads((tmp_path / "sms.log").read_text())
    assert message_id.startswith("file-") and line["id"] == message_id
    assert line["to"] == "+33612345678" and line["text"] == "Bonjour"

    printed = io.StringIO()
    assert sms.ConsoleBackend(printed).send("+33612345678", "Bonjour").startswith("console-")
    assert "SMS à +33612345678 :\nBonjour\n" in printed.getvalue()


def test_without_a_backend_set_nothing_pretends_to_send(settings):
    settings.SMS_BACKEND = ""

    with pytest.raises(ImproperlyConfigured, match="SMS_BACKEND"):
        sms.send_sms("+33612345678", "Bonjour")
