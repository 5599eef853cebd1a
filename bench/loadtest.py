"""Under load: gunicorn (one worker per core) driven by wrk over loopback.

The session is a real one of the bench coordinator, second factor given. A Lua
script checks every response: a 200 whose body shows the expected page (wrk alone
counts a redirect to the login page as a success).
"""

import os
import re
import shutil
import signal
import subprocess  # noqa: S404 - runs gunicorn and wrk, fixed arguments
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacte.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT

LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) marker = args[1]; bad_status = 0; bad_body = 0 end
function response(status, headers, body)
  if status ~= 200 then bad_status = bad_status + 1
  elseif not string.find(body, marker, 1, true) then bad_body = bad_body + 1 end
end
function done(summary, latency, requests)
  local s, b = 0, 0
  for _, t in ipairs(threads) do s = s + t:get("bad_status"); b = b + t:get("bad_body") end
  io.write(string.format("PACTE requests=%d errors=%d non200=%d wrongbody=%d p50=%.2f p99=%.2f\\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, s, b, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass
class Result:
    name: str
    per_second: float
    requests: int
    errors: int
    non_200: int
    wrong_body: int
    p50_ms: float
    p99_ms: float

    @property
    def all_ok(self) -> bool:
        return self.requests > 0 and not (self.errors or self.non_200 or self.wrong_body)


def session_cookie(user) -> str:
    """A database session of the user, logged in with the second factor given."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="banc d’essai", defaults={"confirmed": True}
    )
    now = time.time()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "pacte.auth_backends.AccountBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["otp_device_id"] = device.persistent_id
    session[SESSION_LOGIN_AT] = now
    session[SESSION_LAST_SEEN] = now
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Server:
    """gunicorn serving the project on loopback; stopped by its own pid."""

    def __init__(self, port: int, workers: int):
        self.port, self.workers = port, workers
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "pacte.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            # The product as it ships: its own settings and URLconf, not the bench's.
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "pacte.settings"},
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz") as answer:  # noqa: S310
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn ne répond pas sur /healthz")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def drive(name, url, *, cookie, marker, seconds, connections, threads=2, timeout=2) -> Result:
    """wrk against `url`; a response slower than `timeout` seconds counts as an error."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    try:
        completed = subprocess.run(  # noqa: S603
            [
                shutil.which("wrk") or "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                f"{timeout}s",
                "-H",
                f"Cookie: {cookie}",
                "-s",
                script.name,
                url,
                "--",
                marker,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(script.name).unlink()
    out = completed.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    fields = dict(re.findall(r"(\w+)=([\d.]+)", out.split("PACTE", 1)[1]))
    return Result(
        name,
        rate,
        int(fields["requests"]),
        int(fields["errors"]),
        int(fields["non200"]),
        int(fields["wrongbody"]),
        float(fields["p50"]),
        float(fields["p99"]),
    )
