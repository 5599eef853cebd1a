"""Ceilings on the public sign-in forms, counted in the default cache.

django-axes locks one username from one address; these count what it cannot: failed
logins from one address whatever the username, and password-reset requests per
address and per e-mail. Each is a fixed window: the counter's key names the window
it belongs to, so it cannot outlive it whatever the cache backend does with expiry.
"""

import hashlib
import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache

KEY_PREFIX = "pacte:throttle"


@dataclass(frozen=True)
class Limit:
    """A ceiling read from a setting `(how many, in how many seconds)`."""

    name: str
    setting: str

    @property
    def count(self) -> int:
        return getattr(settings, self.setting)[0]

    @property
    def window(self) -> int:
        return getattr(settings, self.setting)[1]


LOGIN_FAILURES_PER_ADDRESS = Limit("login-address", "PACTE_LOGIN_FAILURES_PER_ADDRESS")
PASSWORD_RESETS_PER_ADDRESS = Limit("reset-address", "PACTE_PASSWORD_RESETS_PER_ADDRESS")
PASSWORD_RESETS_PER_EMAIL = Limit("reset-email", "PACTE_PASSWORD_RESETS_PER_EMAIL")
WEBHOOK_REQUESTS_PER_ADDRESS = Limit("webhook-address", "PACTE_WEBHOOK_REQUESTS_PER_ADDRESS")


def client_address(request) -> str:
    """The address django-axes counts the request under (ipware, trusted proxies)."""
    return get_client_ip_address(request) or "unknown"


def _key(limit: Limit, value: str) -> str:
    # Hashed: no address or e-mail in clear in the cache, and any value makes a valid key.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    window = int(time.time() // limit.window)
    return f"{KEY_PREFIX}:{limit.name}:{window}:{digest}"


def hits(limit: Limit, value: str) -> int:
    """How many times `value` was counted in the current window."""
    return cache.get(_key(limit, value), 0)


def is_exceeded(limit: Limit, value: str) -> bool:
    return hits(limit, value) >= limit.count


def record(limit: Limit, value: str) -> int:
    """Count one more for `value`; return the count in the current window."""
    key = _key(limit, value)
    cache.add(key, 0, timeout=limit.window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this one opens the window
        cache.add(key, 1, timeout=limit.window)
        return 1


def allow(limit: Limit, value: str) -> bool:
    """Count one more for `value`; True while it stays within the limit."""
    return record(limit, value) <= limit.count
