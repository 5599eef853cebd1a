"""Measure pages in-process as the coordinator of the largest territory.

Each page: a warm-up, then N requests through Django's test Client, each timed and
its SQL queries counted (CaptureQueriesContext). Every response is checked: a 200
and a text only the expected page shows, so a redirect to the login or the second
factor can never pass for a fast page.
"""

import math
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacte.models import User
from participants.directory import LIST_COLUMN

BENCH_USERNAME = "coordination-75"  # built by seed_scale: Paris, the largest territory


class BenchError(Exception):
    pass


@dataclass
class Measure:
    name: str
    url: str
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: set = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]

    @property
    def query_count(self) -> int:
        return max(self.queries)

    @property
    def queries_fixed(self) -> bool:
        return len(set(self.queries)) == 1


def bench_client() -> tuple[Client, User]:
    """A client logged in as the bench coordinator, second factor given."""
    user = User.objects.select_related("structure").get(username=BENCH_USERNAME)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="banc d’essai", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client, user


def _page_queries(captured) -> int:
    """The queries of the page, without what runs once a minute whatever the page: the
    session's last-seen time (its UPDATE and the BEGIN and COMMIT around it) and the
    territory's filter choices read again when their minute in the cache is over."""
    sqls = [query["sql"] for query in captured]
    touched = set()
    for index, sql in enumerate(sqls):
        if f'AS "{LIST_COLUMN}"' in sql:
            touched.add(index)
        if sql.startswith('UPDATE "django_session"'):
            touched.add(index)
            if index > 0 and sqls[index - 1] == "BEGIN":
                touched.add(index - 1)
            if index + 1 < len(sqls) and sqls[index + 1] == "COMMIT":
                touched.add(index + 1)
    return len(sqls) - len(touched)


def measure(client, name, url, *, expect, runs=50, warmup=5, headers=None) -> Measure:
    result = Measure(name, url)
    for index in range(warmup + runs):
        # The log keeps 9,000 queries at most; once full, a capture would count none.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, secure=True, headers=headers or {})
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200 or expect.encode() not in body:
            raise BenchError(
                f"{name} ({url}) : réponse {response.status_code} "
                f"sans « {expect} » — la page mesurée n’est pas la bonne."
            )
        if index >= warmup:
            result.times_ms.append(elapsed)
            result.queries.append(_page_queries(captured.captured_queries))
            result.statuses.add(response.status_code)
    return result


def measure_interleaved(client, cases, *, runs=50, rounds=5, warmup=5) -> dict[str, Measure]:
    """Each case `runs` times, in `rounds` turns over all the cases (a warm-up first).

    The machine is shared: a slow spell measured on one page only would skew its ratio
    to the floor. Taking every page in turn, a few requests each, spreads such spells
    over all of them.
    """
    results = {case.name: Measure(case.name, case.url) for case in cases}
    for case in cases:
        measure(
            client,
            case.name,
            case.url,
            expect=case.expect,
            runs=0,
            warmup=warmup,
            headers=case.headers,
        )
    per_round = [runs // rounds + (1 if turn < runs % rounds else 0) for turn in range(rounds)]
    for count in per_round:
        for case in cases:
            part = measure(
                client,
                case.name,
                case.url,
                expect=case.expect,
                runs=count,
                warmup=0,
                headers=case.headers,
            )
            found = results[case.name]
            found.times_ms += part.times_ms
            found.queries += part.queries
            found.statuses |= part.statuses
    return results
