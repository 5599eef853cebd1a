"""Text messages through a pluggable backend, chosen by settings.SMS_BACKEND (a dotted path).

- ConsoleBackend (the default): prints each message, for development;
- FileBackend: appends one JSON line per message to settings.SMS_FILE_PATH;
- LocmemBackend: keeps the messages in `outbox`, for tests.

A real provider is one more class with a `send(to, text)` method.
"""

import json
import sys
from pathlib import Path

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
