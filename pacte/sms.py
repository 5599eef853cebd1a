"""Text messages through a pluggable backend, chosen by settings.SMS_BACKEND (a dotted path).

- BrevoBackend: Brevo's transactional SMS API, in production;
- ConsoleBackend (the default with DEBUG): prints each message, for development;
- FileBackend: appends one JSON line per message to settings.SMS_FILE_PATH;
- LocmemBackend: keeps the messages in `outbox`, for tests.

A backend's `send(to, text)` returns the provider's id of the message, or raises
SmsPermanentError (refused for good: do not try again) or SmsTemporaryError (worth
another try later). Both carry a short French `message` for people and the
provider's raw `detail` for the logs.

`fit` makes a text what a phone bills least for: GSM 7-bit where it can (a single
character outside that alphabet sends the whole message in UCS-2, 70 characters per
SMS instead of 160), cut to a number of SMS.
"""

import json
import logging
import sys
import unicodedata
import uuid
from pathlib import Path

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
import httpx
import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "pacte.sms.ConsoleBackend"

# What LocmemBackend sent: dicts {"to": …, "text": …, "id": …}. Tests clear it in place.
outbox: list[dict] = []


# Failures ------------------------------------------------------------------------------


class SmsError(Exception):
    """A message the provider did not take: `message` for people, `detail` for logs."""

    def __init__(self, message, *, detail: str = "", status: int | None = None):
        self.message = str(message)
        self.detail = detail
        self.status = status  # the provider's HTTP status, when it answered
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


class SmsPermanentError(SmsError):
    """Refused for good (an invalid number…): sending it again would be refused again."""


class SmsTemporaryError(SmsError):
    """Not sent this time (no answer, provider down, credit exhausted…): try again later."""

    def __init__(self, message, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after  # seconds, when the provider said how long to wait


INVALID_NUMBER = _("Numéro de téléphone invalide")
NUMBER_REFUSED = _("Numéro refusé par l’opérateur")
MESSAGE_REFUSED = _("Message refusé par le service SMS")
SENDER_REFUSED = _("Nom d’expéditeur refusé par le service SMS")
NO_CREDIT = _("Crédit SMS épuisé")
ACCOUNT_REFUSED = _("Compte SMS non autorisé à envoyer")
KEY_REFUSED = _("Clé du service SMS refusée")
NOT_CONFIGURED = _("Service SMS non configuré")
TOO_MANY = _("Trop d’envois : le service SMS demande d’attendre")
NO_ANSWER = _("Le service SMS ne répond pas")
UNREACHABLE = _("Le service SMS est injoignable")
UNAVAILABLE = _("Le service SMS est indisponible")
UNEXPECTED = _("Réponse inattendue du service SMS")


# Backends ------------------------------------------------------------------------------


def local_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4()}"


class BaseBackend:
    def send(self, to: str, text: str) -> str:
        """Send one message; return the provider's id for it."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> str:
        self.stream.write(f"SMS à {to} :\n{text}\n{'-' * 40}\n")
        self.stream.flush()
        return local_id("console")


def sms_file_path() -> Path:
    return Path(getattr(settings, "SMS_FILE_PATH", Path(settings.BASE_DIR) / "var" / "sms.log"))


class FileBackend(BaseBackend):
    def send(self, to: str, text: str) -> str:
        message_id = local_id("file")
        path = sms_file_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {"sent_at": timezone.now().isoformat(), "to": to, "text": text, "id": message_id}
        with path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message_id


class LocmemBackend(BaseBackend):
    def send(self, to: str, text: str) -> str:
        message_id = local_id("locmem")
        outbox.append({"to": to, "text": text, "id": message_id})
        return message_id


DEVELOPMENT_BACKENDS = (ConsoleBackend, FileBackend, LocmemBackend)


class BrevoBackend(BaseBackend):
    """Brevo's transactional SMS: POST {SMS_API_URL}/v3/transactionalSMS/send.

    Brevo answers 201 {"messageId": …}; an error is {"code": …, "message": …} with
    400 (bad request: the number, most often), 401 (the key), 402 (not enough
    credit), 403 (permission denied), 429 (rate limit, with x-sib-ratelimit-reset).
    """

    path = "/v3/transactionalSMS/send"

    def __init__(self):
        self.url = settings.SMS_API_URL.rstrip("/") + self.path
        self.api_key = settings.SMS_API_KEY
        self.sender = settings.SMS_SENDER
        # Read (and write, and waiting for a pooled connection) share the read timeout.
        self.timeout = httpx.Timeout(
            settings.SMS_READ_TIMEOUT, connect=settings.SMS_CONNECT_TIMEOUT
        )

    def send(self, to: str, text: str) -> str:
        if not self.api_key:
            raise SmsTemporaryError(NOT_CONFIGURED, detail="SMS_API_KEY is empty")
        body = {
            "sender": self.sender,
            "recipient": international_digits(to),
            "content": text,
            "type": "transactional",
        }
        if not is_gsm(text):
            body["unicodeEnabled"] = True  # else Brevo would mangle what GSM 7-bit lacks
        headers = {
            "api-key": self.api_key,
            "accept": "application/json",
            "content-type": "application/json",
        }
        try:
            response = httpx.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException as error:
            raise SmsTemporaryError(NO_ANSWER, detail=f"{type(error).__name__}: {error}") from error
        except httpx.TransportError as error:
            raise SmsTemporaryError(
                UNREACHABLE, detail=f"{type(error).__name__}: {error}"
            ) from error
        return self.message_id(response)

    def message_id(self, response: httpx.Response) -> str:
        status = response.status_code
        detail = f"HTTP {status}: {response.text[:500]}"
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        if response.is_success:
            if answer.get("messageId") not in (None, ""):
                return str(answer["messageId"])
            # Accepted all the same: sending it again could reach the phone twice.
            logger.warning("Brevo accepted an SMS without a messageId: %s", detail)
            return local_id("brevo-unknown")
        raise self.failure(status, answer, detail, response.headers)

    @staticmethod
    def failure(status, answer, detail, headers) -> SmsError:
        code = str(answer.get("code", "")).lower()
        said = f"{code} {answer.get('message', '')}".lower()
        if code == "not_enough_credits" or status == 402:
            return SmsTemporaryError(NO_CREDIT, detail=detail, status=status)
        if status in (400, 422):
            if "sender" in said:  # our configuration, not this message: fixed, it goes
                return SmsTemporaryError(SENDER_REFUSED, detail=detail, status=status)
            if any(word in said for word in ("recipient", "phone", "mobile", "number")):
                return SmsPermanentError(NUMBER_REFUSED, detail=detail, status=status)
            return SmsPermanentError(MESSAGE_REFUSED, detail=detail, status=status)
        if status == 401:
            return SmsTemporaryError(KEY_REFUSED, detail=detail, status=status)
        if status == 403:
            return SmsTemporaryError(ACCOUNT_REFUSED, detail=detail, status=status)
        if status == 429:
            return SmsTemporaryError(
                TOO_MANY, detail=detail, status=status, retry_after=seconds_to_wait(headers)
            )
        if status >= 500:
            return SmsTemporaryError(UNAVAILABLE, detail=detail, status=status)
        return SmsTemporaryError(UNEXPECTED, detail=detail, status=status)


def international_digits(number: str) -> str:
    """+33 6 12 34 56 78, 06 12 34 56 78 → "33612345678", as Brevo wants it."""
    try:
        parsed = phonenumbers.parse(number, "FR")
    except phonenumbers.NumberParseException as error:
        raise SmsPermanentError(INVALID_NUMBER, detail=f"{number!r}: {error}") from error
    if not phonenumbers.is_possible_number(parsed):
        raise SmsPermanentError(INVALID_NUMBER, detail=f"{number!r} is not a possible number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def seconds_to_wait(headers) -> float | None:
    for name in ("retry-after", "x-sib-ratelimit-reset"):
        try:
            return max(0.0, float(headers[name]))
        except (KeyError, ValueError):
            continue
    return None


def get_backend() -> BaseBackend:
    path = getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND)
    if not path:
        raise ImproperlyConfigured("SMS_BACKEND is not set: no text message can be sent.")
    return import_string(path)()


def send_sms(to: str, text: str) -> str:
    """Send one text message; return the provider's id (raises SmsError subclasses)."""
    return get_backend().send(to, text)


# Fitting a text to SMS -------------------------------------------------------------------

GSM_CODEC = "gsm03.38"
# Typography a phone does not need, made plain.
PLAIN = str.maketrans(
    {
        "’": "'",  # ’
        "‘": "'",  # ‘
        "«": '"',  # «
        "»": '"',  # »
        "“": '"',  # “
        "”": '"',  # ”
        "—": "-",  # —
        "–": "-",  # –
        " ": " ",  # no-break space
        " ": " ",  # narrow no-break space
        "…": "...",  # …
    }
)
# Per SMS: alone, and as one part of a longer message (the rest carries the joining).
GSM_SEGMENT = (160, 153)  # septets
UCS2_SEGMENT = (70, 67)  # characters


def septets(char: str) -> int | None:
    """What a character costs in GSM 7-bit (1, or 2 for € [ ] { } …); None outside it."""
    try:
        return len(char.encode(GSM_CODEC))
    except UnicodeEncodeError:
        return None


def to_gsm(text: str) -> str:
    """Plain typography, and letters the GSM alphabet lacks without their accent
    (ê → e, ç → c, ï → i; é, è, à, ù keep theirs). Other characters stay as they are."""
    for space in (" ", "\u00a0", "\u202f"):  # « le mot » → "le mot"
        text = text.replace("\u00ab" + space, "\u00ab").replace(space + "\u00bb", "\u00bb")
    plain = []
    for char in text.translate(PLAIN):
        if septets(char) is None:
            base = unicodedata.normalize("NFKD", char)[0]
            if septets(base) is not None:
                char = base
        plain.append(char)
    return "".join(plain)


def is_gsm(text: str) -> bool:
    """Whether the whole text goes in GSM 7-bit (else the phone gets it in UCS-2)."""
    return all(septets(char) is not None for char in text)


def _costs(text):
    if is_gsm(text):
        return [septets(char) for char in text], GSM_SEGMENT
    return [1] * len(text), UCS2_SEGMENT


def segments(text: str) -> int:
    """How many SMS the text takes."""
    costs, (alone, part) = _costs(text)
    total = sum(costs)
    return 1 if total <= alone else -(-total // part)


def fit(text: str, *, max_segments: int = 2, tail: str = "") -> str:
    """The text as it should go: on one line, in GSM 7-bit where possible, and cut
    (ending with "...") so that it takes at most `max_segments` SMS. A `tail` (a link)
    ends the message whole: the text is cut before it, never the tail."""
    text = to_gsm(" ".join(text.split()))
    tail = to_gsm(" ".join(tail.split()))
    whole = f"{text} {tail}" if tail else text
    costs, (alone, part) = _costs(whole)
    budget = alone if max_segments == 1 else part * max_segments
    if sum(costs) <= max(budget, alone):
        return whole
    tail_cost = sum(costs[len(whole) - len(tail) - 1 :]) if tail else 0
    kept, spent = [], 0
    for char, cost in zip(text, costs, strict=False):
        if spent + cost > budget - 3 - tail_cost:
            break
        kept.append(char)
        spent += cost
    cut = "".join(kept).rstrip() + "..."
    return f"{cut} {tail}" if tail else cut
