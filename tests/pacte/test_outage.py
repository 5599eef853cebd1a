"""The database goes away and comes back, under a running application.

The application runs in its own process (runserver, DEBUG off) and reaches the test
database through a TCP proxy this test owns: stopping the proxy cuts the database
off, including the connections the application already holds, without touching the
machine's PostgreSQL server.

One deliberate difference from production: the subprocess keeps Django's plain
static files storage. Production uses WhiteNoise's manifest storage, which needs a
`collectstatic` (about 20 seconds, written into the project's staticfiles/ folder)
before any page, the error page included, can be rendered. Static files play no
part in how the application reacts to a database outage.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

import pacte.settings as project_settings
from pacte.factories import DEMO_PASSWORD, StructureFactory, TerritoryFactory, UserFactory
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import FollowUp
from tests.tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the outage test cuts a PostgreSQL connection: set DATABASE_URL to a "
        "PostgreSQL server to run it",
    ),
    pytest.mark.django_db(transaction=True),
]

STARTUP_SECONDS = 30
RECOVERY_SECONDS = 15
REQUEST_TIMEOUT_SECONDS = 10
ERROR_PAGE_TITLE = "Le service rencontre un problème"
LEAKS = ("Traceback", "SELECT", "psycopg2", "OperationalError")

# Runs `manage.py <arguments>` with the project's settings, except the static files
# storage (see the module docstring).
LAUNCHER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacte.settings")
from django.conf import settings
settings.STATIC_ROOT = os.environ["PACTE_TEST_STATIC_ROOT"]
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[1:]])
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict
    body: str

    def json(self):
        return json.loads(self.body)


class Browser:
    """Just enough of a browser over plain HTTP: one keep-alive connection, cookies
    kept by hand (with DEBUG off they are marked Secure, which a cookie jar would
    not send over http://)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self._connection: HTTPConnection | None = None

    def get(self, path: str, *, fresh_connection: bool = False) -> Response:
        if fresh_connection:
            self.close()
        try:
            return self._send("GET", path)
        except (HTTPException, ConnectionError):
            # The server closed the idle keep-alive connection: a GET may be sent again.
            self.close()
            return self._send("GET", path)

    def post(self, path: str, form: dict) -> Response:
        # Never sent twice: a new connection, so no stale keep-alive can swallow it.
        self.close()
        return self._send("POST", path, urlencode(form))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _send(self, method: str, path: str, body: str | None = None) -> Response:
        if self._connection is None:
            self._connection = HTTPConnection(
                "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_SECONDS
            )
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self._connection.request(method, path, body=body, headers=headers)
        raw = self._connection.getresponse()
        content = raw.read().decode("utf-8", errors="replace")
        for header in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(raw.status, dict(raw.headers.items()), content)


def form_token(page: Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert match, f"no CSRF token in the page:\n{page.body[:2000]}"
    return match.group(1)


def log_in(browser: Browser, username: str) -> None:
    login_page = browser.get("/connexion/")
    assert login_page.status == 200, login_page.body[:2000]
    assert "csrftoken" in browser.cookies
    answer = browser.post(
        "/connexion/",
        {
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": form_token(login_page),
        },
    )
    assert answer.status == 302, answer.body[:2000]
    assert "sessionid" in browser.cookies


def wait_for_health(browser: Browser, expected: int, seconds: float, process=None) -> Response:
    deadline = time.monotonic() + seconds
    while True:
        if process is not None and process.poll() is not None:
            pytest.fail(f"the application exited with code {process.returncode}")
        try:
            answer = browser.get("/healthz")
            if answer.status == expected:
                return answer
        except OSError as error:  # not listening yet
            answer = error
        if time.monotonic() > deadline:
            pytest.fail(f"/healthz did not answer {expected} within {seconds} s: {answer}")
        time.sleep(0.25)


def assert_generic_error_page(answer: Response) -> None:
    assert answer.status == 500, answer.body[:2000]
    assert answer.headers.get("Content-Type", "").startswith("text/html")
    assert ERROR_PAGE_TITLE in answer.body
    for leak in LEAKS:
        assert leak not in answer.body, f"{leak!r} shown to the user:\n{answer.body}"


def application_environment(proxy_port: int, static_root) -> dict:
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"] or "", safe="")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"], safe="")
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "pacte.settings",
            # The test database, through the proxy.
            "DATABASE_URL": (
                f"postgres://{credentials}@127.0.0.1:{proxy_port}/"
                f"{quote(database['NAME'], safe='')}"
            ),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "PACTE_OTP_REQUIRED": "0",
            "CONN_MAX_AGE": "60",
            "PACTE_TEST_STATIC_ROOT": str(static_root),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return environment


@dataclass
class RunningApplication:
    proxy: TcpProxy
    port: int
    process: subprocess.Popen
    log_path: object
    browsers: list = field(default_factory=list)

    def browser(self) -> Browser:
        browser = Browser(self.port)
        self.browsers.append(browser)
        return browser

    def log(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def application(tmp_path):
    """The application in its own process, reaching the test database through a proxy."""
    database = settings.DATABASES["default"]
    static_root = tmp_path / "static"
    static_root.mkdir()
    log_path = tmp_path / "runserver.log"
    port = free_port()
    process = running = None
    with TcpProxy(database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432) as proxy:
        try:
            with log_path.open("w") as log:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        LAUNCHER,
                        "runserver",
                        f"127.0.0.1:{port}",
                        "--noreload",
                    ],
                    cwd=settings.BASE_DIR,
                    env=application_environment(proxy.port, static_root),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            running = RunningApplication(proxy, port, process, log_path)
            wait_for_health(running.browser(), 200, STARTUP_SECONDS, process)
            yield running
        finally:
            for browser in running.browsers if running else []:
                browser.close()
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            # Shown by pytest when the test fails.
            print(f"--- runserver output ({log_path}) ---")
            print(log_path.read_text() if log_path.exists() else "(none)")


def coordinator_and_participant():
    paris = TerritoryFactory(paris=True)
    # The application checks passwords with the production hashers, not the tests' MD5.
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        coordinator = UserFactory(
            username="t-coordination-panne",
            role="coordinator",
            structure=StructureFactory(prefecture=True, territory=paris),
        )
    participant = ParticipantFactory(programme_year=ProgrammeYearFactory(territory=paris))
    return coordinator, participant


def follow_up_form(detail: Response, summary: str) -> dict:
    return {
        "happened_on": timezone.localdate().isoformat(),
        "kind": "phone",
        "summary": summary,
        "csrfmiddlewaretoken": form_token(detail),
    }


def test_pages_fail_cleanly_while_the_database_is_away_and_recover_without_restart(application):
    started = time.monotonic()
    coordinator, participant = coordinator_and_participant()
    page = f"/jeunes/{participant.pk}/"
    monitor = application.browser()  # a load balancer's probe: no cookies
    user = application.browser()
    assert monitor.get("/healthz").status == 200

    # Before the outage: a follow-up is saved and the user sees it confirmed.
    log_in(user, coordinator.username)
    detail = user.get(page)
    assert detail.status == 200, detail.body[:2000]
    saved = user.post(f"{page}suivis/", follow_up_form(detail, "Avant la panne"))
    assert saved.status == 302, saved.body[:2000]
    assert saved.headers["Location"] == page
    confirmed = user.get(page)
    assert confirmed.status == 200
    assert "Le suivi est enregistré." in confirmed.body
    assert "Avant la panne" in confirmed.body
    # The keep-alive request threads hold persistent database connections (CONN_MAX_AGE).
    assert application.proxy.open_connections >= 1

    # The database goes away, the connections already open included.
    application.proxy.stop()

    health = monitor.get("/healthz")  # its request thread's connection is now broken
    assert health.status == 503
    assert health.json() == {"status": "error"}
    assert_generic_error_page(user.get(page))
    assert_generic_error_page(user.get(page, fresh_connection=True))
    # A follow-up sent now is not confirmed to the user.
    assert_generic_error_page(user.post(f"{page}suivis/", follow_up_form(detail, "Pendant")))

    # The database comes back; the same process serves again.
    application.proxy.start()
    wait_for_health(monitor, 200, RECOVERY_SECONDS, application.process)
    after = user.get(page)  # no new login: the session, kept in the database, still holds
    assert after.status == 200, after.body[:2000]
    assert "Avant la panne" in after.body
    assert application.process.poll() is None, "the application process stopped"

    assert FollowUp.objects.filter(summary="Avant la panne").count() == 1
    assert not FollowUp.objects.filter(summary="Pendant").exists()
    # The operators, not the users, get the details.
    server_log = application.log()
    assert f"Internal Server Error: {page}" in server_log
    assert "OperationalError" in server_log
    assert time.monotonic() - started < 60


def test_health_check_answers_503_to_a_logged_in_browser_while_the_database_is_away(
    application,
):
    coordinator, _participant = coordinator_and_participant()
    user = application.browser()
    log_in(user, coordinator.username)
    application.proxy.stop()

    health = user.get("/healthz")

    assert health.status == 503, f"{health.status}: {health.body[:300]}"
