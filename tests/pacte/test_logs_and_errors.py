"""Logs an operator can follow across nodes, errors reported without personal data, and
the cache each configuration selects (« Runs on several machines », items 2 and 5)."""

import gzip
import json
import logging
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.conf import settings
from django.test import Client
from django.urls import reverse

from events.personal_links import personal_path
from pacte.logs import job_finished
from pacte.roles import Role
from tests.pacte.test_settings import REAL_KEY

REQUEST_ID = "0123456789abcdef0123456789abcdef"


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "pacte.requests"]


@pytest.mark.django_db
def test_each_request_logs_one_line_by_its_route_with_status_user_and_request_id(
    users, client_for, caplog
):
    participant = users["participant"]
    client = client_for(users[Role.COUNSELLOR])
    caplog.set_level(logging.INFO, logger="pacte.requests")

    response = client.get(
        reverse("participants:detail", args=[participant.pk]) + "?q=Dupont",
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == REQUEST_ID
    [line] = request_lines(caplog)
    assert line.getMessage().startswith("GET /jeunes/<int:pk>/ 200 ")
    assert line.user_id == users[Role.COUNSELLOR].pk
    assert line.request_id == REQUEST_ID
    logged = line.getMessage()
    assert str(participant.pk) not in logged.split(" ms")[0].split(" ")[1]
    assert "Dupont" not in logged
    assert participant.last_name not in logged


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_new_one_and_an_invalid_one_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="pacte.requests")

    first = client.get(reverse("login"))
    second = client.get(reverse("login"), HTTP_X_REQUEST_ID="<script>")

    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(len(found) == 32 and int(found, 16) >= 0 for found in ids)
    assert ids[0] != ids[1]
    assert [line.request_id for line in request_lines(caplog)] == ids
    assert [line.user_id for line in request_lines(caplog)] == ["-", "-"]


@pytest.mark.django_db
def test_a_personal_link_s_token_is_never_in_the_log(cafe_metiers, caplog):
    path = personal_path(cafe_metiers["registration"])
    caplog.set_level(logging.INFO, logger="pacte.requests")

    Client().get(path)

    [line] = request_lines(caplog)
    token = path.strip("/").split("/")[1]
    assert token not in line.getMessage()
    assert line.getMessage().startswith("GET /c/<")


def test_a_job_logs_one_line_with_its_task_id_and_never_its_result(caplog):
    import datetime as dt

    caplog.set_level(logging.INFO, logger="pacte.jobs")
    started = dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC)
    job_finished(
        "django_q",
        task={
            "id": "task-42",
            "name": "rappels-du-jour",
            "func": "events.jobs.send_due_reminders",
            "success": False,
            "result": "Traceback … Yanis Benali 06 12 34 56 78",
            "started": started,
            "stopped": started + dt.timedelta(seconds=2),
        },
    )

    [line] = [record for record in caplog.records if record.name == "pacte.jobs"]
    assert line.levelname == "ERROR"
    assert line.request_id == "task-42"
    assert line.getMessage() == (
        "job rappels-du-jour events.jobs.send_due_reminders failed 2000.0 ms"
    )


def run_python(code, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "CACHE_URL", "REDIS_URL", "LOG_FORMAT"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "pacte.settings", **environment})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_log_format_json_writes_one_json_object_per_line_with_its_context():
    result = run_python(
        "import logging; logging.getLogger('pacte.example').warning('bonjour %s', 3)",
        LOG_FORMAT="json",
    )

    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    found = json.loads(line)
    assert found["message"] == "bonjour 3"
    assert found["level"] == "WARNING"
    assert found["logger"] == "pacte.example"
    assert found["request_id"] == "-"
    assert found["user_id"] == "-"
    assert found["time"][:2] == "20"


def test_the_text_format_carries_time_level_logger_and_context():
    result = run_python("import logging; logging.getLogger('pacte.example').warning('bonjour')")

    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.endswith("WARNING pacte.example [- user=-] bonjour")
    assert line[:2] == "20"


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "x.fr"}
CACHE = (
    "from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND'], s.CACHES['default'].get('KEY_PREFIX'))"
)


@pytest.mark.parametrize(
    ("environment", "backend"),
    [
        ({}, "django.core.cache.backends.locmem.LocMemCache"),
        (PRODUCTION, "django.core.cache.backends.db.DatabaseCache"),
        (
            {**PRODUCTION, "CACHE_URL": "redis://127.0.0.1:6379/3"},
            "django.core.cache.backends.redis.RedisCache",
        ),
        (
            {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/3"},
            "django.core.cache.backends.redis.RedisCache",
        ),
    ],
)
def test_the_cache_is_redis_when_configured_the_database_in_production_memory_in_development(
    environment, backend
):
    result = run_python(CACHE, PACTE_RELEASE="2026.12.1", **environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [backend, "pacte:2026.12.1"]


def test_a_cache_url_that_is_not_redis_is_refused():
    result = run_python(CACHE, CACHE_URL="memcached://127.0.0.1:11211")

    assert result.returncode != 0
    assert "CACHE_URL must be a Redis URL" in result.stderr


def test_migrate_makes_the_cache_table_when_the_cache_is_the_database(tmp_path):
    database = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    environment = {**PRODUCTION, "DATABASE_URL": database}
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrated.returncode == 0, migrated.stderr

    result = run_python(
        "from django.core.cache import cache; cache.set('k', 41); print(cache.get('k') + 1)",
        **environment,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"


# Sentry -------------------------------------------------------------------------------


class SentryStub:
    """Sentry's ingestion endpoint on the loopback: records each envelope's items."""

    def __init__(self):
        self.items = []
        self.raw = ""
        self.received = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                elif self.headers.get("Content-Encoding") == "deflate":
                    body = zlib.decompress(body)
                elif self.headers.get("Content-Encoding") == "br":
                    import brotli  # sentry-sdk compresses with it when it is installed

                    body = brotli.decompress(body)
                stub.raw += body.decode("utf-8", "replace")
                for line in body.splitlines()[1:]:
                    try:
                        item = json.loads(line)
                    except ValueError:
                        continue
                    stub.items.append(item)
                    if "exception" in item:
                        stub.received.set()
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def dsn(self):
        return f"http://public@127.0.0.1:{self.server.server_address[1]}/1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sentry():
    from pacte import error_reports

    with SentryStub() as stub:
        error_reports.init(dsn=stub.dsn, release="test", environment="test")
        try:
            yield stub
        finally:
            sentry_sdk.get_client().close(timeout=2)
            sentry_sdk.init(dsn=None)


@pytest.mark.django_db
def test_an_error_of_a_page_reaches_sentry_scrubbed(users, client_for, sentry, monkeypatch):
    participant = users["participant"]
    counsellor = users[Role.COUNSELLOR]
    from participants import services

    def broken(*args, **kwargs):
        held = participant.last_name  # noqa: F841 - a local variable holding data
        raise RuntimeError("la fiche n’a pas pu être lue")

    # Raised once the page has read the file: the view's locals hold the participant.
    monkeypatch.setattr(services, "participant_gaps", broken)
    client = client_for(counsellor)
    client.raise_request_exception = False
    client.cookies["suivi"] = participant.last_name

    response = client.get(
        reverse("participants:detail", args=[participant.pk]) + f"?q={participant.last_name}",
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )
    sentry_sdk.flush(timeout=5)

    assert response.status_code == 500
    assert sentry.received.wait(5)
    assert_no_personal_data(sentry, participant, counsellor)


def assert_no_personal_data(sentry, participant, counsellor):
    [event] = [item for item in sentry.items if "exception" in item]
    assert event["exception"]["values"][-1]["value"] == "la fiche n’a pas pu être lue"
    assert event["tags"]["request_id"] == REQUEST_ID
    assert event["user"] == {"id": str(counsellor.pk)}
    assert event["transaction"] == "/jeunes/{pk}/"
    for personal in (
        participant.last_name,
        participant.first_name,
        counsellor.last_name,
        counsellor.email,
        counsellor.username,
        "REMOTE_ADDR",
        "sessionid",
        "csrftoken",
    ):
        assert personal not in sentry.raw, personal
