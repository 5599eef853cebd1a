"""Text messages through a pluggable backend, chosen by settings.SMS_BACKEND (a dotted path).

- ConsoleBackend (the default): prints each message, for development;
- FileBackend: appends one JSON line per message to settings.SMS_FILE_PATH;
- LocmemBackend: keeps the messages in `outbox`, for tests.

A real provider is one more class with a `send(to, text)` method.

`fit` makes a text what a phone bills least for: GSM 7-bit where it can (a single
character outside that alphabet sends the whole message in UCS-2, 70 characters per
SMS instead of 160), cut to a number of SMS.
"""

import json
import sys
import unicodedata
from pathlib import Path

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "pacte.sms.ConsoleBackend"

# What LocmemBackend sent: dicts {"to": …, "text": …}. Tests clear it in place.
outbox: list[dict] = []


class BaseBackend:
    def send(self, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> None:
        self.stream.write(f"SMS à {to} :\n{text}\n{'-' * 40}\n")
        self.stream.flush()


def sms_file_path() -> Path:
    return Path(getattr(settings, "SMS_FILE_PATH", Path(settings.BASE_DIR) / "var" / "sms.log"))


class FileBackend(BaseBackend):
    def send(self, to: str, text: str) -> None:
        path = sms_file_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {"sent_at": timezone.now().isoformat(), "to": to, "text": text}
        with path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(line, ensure_ascii=False) + "\n")


class LocmemBackend(BaseBackend):
    def send(self, to: str, text: str) -> None:
        outbox.append({"to": to, "text": text})


def get_backend() -> BaseBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(to: str, text: str) -> None:
    get_backend().send(to, text)


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


def _costs(text):
    if all(septets(char) is not None for char in text):
        return [septets(char) for char in text], GSM_SEGMENT
    return [1] * len(text), UCS2_SEGMENT


def segments(text: str) -> int:
    """How many SMS the text takes."""
    costs, (alone, part) = _costs(text)
    total = sum(costs)
    return 1 if total <= alone else -(-total // part)


def fit(text: str, *, max_segments: int = 2) -> str:
    """The text as it should go: on one line, in GSM 7-bit where possible, and cut
    (ending with "...") so that it takes at most `max_segments` SMS."""
    text = to_gsm(" ".join(text.split()))
    costs, (alone, part) = _costs(text)
    budget = alone if max_segments == 1 else part * max_segments
    if sum(costs) <= max(budget, alone):
        return text
    kept, spent = [], 0
    for char, cost in zip(text, costs, strict=True):
        if spent + cost > budget - 3:
            break
        kept.append(char)
        spent += cost
    return "".join(kept).rstrip() + "..."
