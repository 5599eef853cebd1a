"""`make cluster-test`: Pacte as several machines run it, on the loopback, from deploy/.

PostgreSQL (the machine's server, a database of the test's own) behind pgbouncer in
transaction pooling, Redis, nginx (TLS) in front of two gunicorn app nodes (separate
TMPDIRs) and two job workers, each started from the files of deploy/ (the systemd units'
ExecStart lines, gunicorn.conf.py, the nginx site, pgbouncer.ini, the Procfile's
postdeploy). It proves, one line each, what several machines need; any failure stops it
with the logs. Bounded: every wait has a deadline, the whole run well under 5 minutes.
"""

import concurrent.futures
import datetime as dt
import html.parser
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess  # noqa: S404 - starts the cluster's servers, fixed arguments
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("CLUSTER_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "pacte_cluster"
DEADLINE = time.monotonic() + 280  # seconds: the run stops before CI's 5 minutes
SECRET_KEY = secrets.token_urlsafe(60)
SMS = {"url": ""}  # the SMS provider's loopback stub, once started
STATIC = {"root": ""}  # collectstatic's folder, read by nginx and by the nodes' manifest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORTS = {name: free_port() for name in ("pgbouncer", "redis", "node_a", "node_b", "https", "http")}
HOST = "127.0.0.1"
SITE = f"https://{HOST}:{PORTS['https']}"


def say(line: str) -> None:
    print(f"[cluster] {line}", flush=True)


def left() -> float:
    remaining = DEADLINE - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the cluster test ran out of time")
    return remaining


def render(path: Path, values: dict, target: Path) -> Path:
    """A deploy/ file with its @NAME@ placeholders filled in; none may be left."""
    text = path.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(value))
    missing = re.findall(r"@[A-Z_]+@", text)
    if missing:
        raise RuntimeError(f"{path.name}: placeholders left {missing}")
    target.write_text(text)
    return target


def exec_start(unit: str) -> list[str]:
    """The ExecStart line of a systemd unit of deploy/, with this machine's venv."""
    text = (DEPLOY / "systemd" / unit).read_text()
    [line] = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    words = shlex.split(line.removeprefix("ExecStart="))
    venv = "/opt/pacte/.venv/bin/"
    return [str(BIN / word.removeprefix(venv)) if word.startswith(venv) else word for word in words]


def verify_units(work: Path) -> None:
    """systemd-analyze verify on both units, installed as an operator would (this
    checkout for /opt/pacte, an environment file, this machine's user)."""
    env_file = work / "pacte.env"
    env_file.write_text(
        "".join(f"{name}={value}\n" for name, value in environment().items() if "\n" not in value)
    )
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    units = []
    for unit in ("pacte-web.service", "pacte-worker.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        text = text.replace("/opt/pacte", str(ROOT)).replace("/etc/pacte/pacte.env", str(env_file))
        text = text.replace("User=pacte", f"User={user}").replace("Group=pacte", f"Group={user}")
        (work / unit).write_text(text)
        units.append(str(work / unit))
    checked = subprocess.run(
        [shutil.which("systemd-analyze") or "systemd-analyze", "verify", *units],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr
    proves("systemd-analyze verify: pacte-web.service and pacte-worker.service")


def procfile(kind: str) -> list[str]:
    [line] = [
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith(f"{kind}:")
    ]
    words = shlex.split(line.split(":", 1)[1])
    return [str(BIN / words[0]) if words[0] == "python" else words[0], *words[1:]]


class Processes:
    def __init__(self, work: Path):
        self.work = work
        self.started: dict[str, tuple[subprocess.Popen, Path]] = {}

    def start(self, name, command, *, env=None, cwd=ROOT):
        log = self.work / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        self.started[name] = (process, log)
        return process

    def stop(self, name, sig=signal.SIGTERM, timeout=40):
        process, _log = self.started[name]
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def check_alive(self, *names):
        for name in names:
            process, log = self.started[name]
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped:\n{log.read_text()[-3000:]}")

    def stop_all(self):
        for name in reversed(list(self.started)):
            self.stop(name, timeout=20)

    def tails(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{log.read_text(errors='replace')[-2500:]}"
            for name, (_process, log) in self.started.items()
            if log.exists()
        )


def wait_for(what, condition, seconds=30.0, processes=None, names=()):
    deadline = time.monotonic() + min(seconds, left())
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, httpx.HTTPError):
            pass
        if processes:
            processes.check_alive(*names)
        time.sleep(0.3)
    raise AssertionError(f"{what}: not reached in {seconds} s")


def environment(**extra) -> dict:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_", "CACHE_", "SENTRY_"))
    }
    return {
        **base,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "SITE_URL": SITE,
        "BEHIND_TLS_PROXY": "1",
        "PACTE_TRUSTED_PROXIES": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['pgbouncer']}/{DATABASE}",
        "DATABASE_POOLED": "1",
        "MIGRATE_DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "CACHE_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
        "PACTE_RELEASE": "cluster-test",
        "STATIC_ROOT": STATIC["root"],
        "SMS_BACKEND": "pacte.sms.BrevoBackend",
        "SMS_API_URL": SMS["url"],
        "SMS_API_KEY": "loopback-key",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


# The cluster ---------------------------------------------------------------------------


PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]


def drop_database(check=True):
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", DATABASE], check=check)


def create_database():
    drop_database()
    subprocess.run(["createdb", *PG, DATABASE], check=True)


def start_cluster(processes: Processes, work: Path):
    env = environment()
    # pgbouncer runs as postgres, nginx's workers as nobody: they enter the folder.
    os.chmod(work, 0o755)
    processes.start(
        "redis",
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(PORTS["redis"]),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
    )

    # The Procfile's postdeploy: migrations, straight to PostgreSQL (the owner's URL).
    subprocess.run(procfile("postdeploy"), cwd=ROOT, env=env, check=True, timeout=left())
    # The demo programme (seed_demo refuses DEBUG off: this one step runs with it).
    subprocess.run(
        [str(BIN / "python"), "manage.py", "seed_demo", "--url", SITE],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "DATABASE_URL": f"{POSTGRES}/{DATABASE}"},
        check=True,
        timeout=left(),
        stdout=subprocess.DEVNULL,
    )
    static = Path(STATIC["root"])
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=left(),
    )

    bouncer = work / "pgbouncer"
    bouncer.mkdir(mode=0o777)
    os.chmod(bouncer, 0o777)
    (bouncer / "userlist.txt").write_text('"postgres" ""\n')
    ini = render(
        DEPLOY / "pgbouncer" / "pgbouncer.ini",
        {
            "DATABASE_NAME": DATABASE,
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": 5432,
            "LISTEN_ADDRESS": "127.0.0.1",
            "LISTEN_PORT": PORTS["pgbouncer"],
            "AUTH_TYPE": "trust",
            "AUTH_FILE": bouncer / "userlist.txt",
            "ADMIN_USERS": "postgres",
            "LOG_FILE": bouncer / "pgbouncer.log",
            "PID_FILE": bouncer / "pgbouncer.pid",
        },
        bouncer / "pgbouncer.ini",
    )
    pgbouncer = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    user = ["-u", "postgres"] if os.geteuid() == 0 else []
    processes.start("pgbouncer", [pgbouncer, *user, str(ini)])

    wait_for(
        "pgbouncer and Redis listening",
        lambda: all(
            socket.create_connection(("127.0.0.1", PORTS[name]), timeout=1).close() is None
            for name in ("pgbouncer", "redis")
        ),
        processes=processes,
        names=("redis", "pgbouncer"),
    )

    for node in ("a", "b"):
        tmp = work / f"tmp-{node}"
        tmp.mkdir()
        processes.start(
            f"node_{node}",
            exec_start("pacte-web.service"),
            env=environment(
                GUNICORN_BIND=f"127.0.0.1:{PORTS[f'node_{node}']}",
                GUNICORN_WORKERS="3",
                TMPDIR=str(tmp),
            ),
        )
    for index in (1, 2):
        processes.start(
            f"worker_{index}",
            exec_start("pacte-worker.service"),
            env=environment(PACTE_JOB_WORKERS="1", TMPDIR=str(work / f"tmp-{'ab'[index - 1]}")),
        )

    certificate, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    nodes = "\n    ".join(
        f"server 127.0.0.1:{PORTS[name]} max_fails=1 fail_timeout=10s;"
        for name in ("node_a", "node_b")
    )
    site = render(
        DEPLOY / "nginx" / "pacte.conf",
        {
            "APP_NODES": nodes,
            "HTTP_PORT": PORTS["http"],
            "HTTPS_PORT": PORTS["https"],
            "SERVER_NAME": HOST,
            "TLS_CERTIFICATE": certificate,
            "TLS_CERTIFICATE_KEY": key,
            "STATIC_ROOT": static,
        },
        work / "site.conf",
    )
    (work / "nginx.conf").write_text(
        f"""
daemon off;
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log {work}/nginx-access.log;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    include {site};
}}
"""
    )
    processes.start(
        "nginx",
        [
            shutil.which("nginx") or "/usr/sbin/nginx",
            "-c",
            str(work / "nginx.conf"),
            "-p",
            str(work),
        ],
    )
    wait_for(
        "both nodes answering /healthz through nginx",
        lambda: (
            all(
                httpx.get(f"http://127.0.0.1:{PORTS[name]}/healthz", timeout=2).status_code == 200
                for name in ("node_a", "node_b")
            )
            and client().get("/healthz").status_code == 200
        ),
        seconds=60,
        processes=processes,
        names=("node_a", "node_b", "nginx", "worker_1", "worker_2"),
    )


# Clients ------------------------------------------------------------------------------


def client(*, source="127.0.0.1", session=None) -> httpx.Client:
    """Through nginx, over TLS, from a given loopback address."""
    transport = httpx.HTTPTransport(local_address=source, verify=False)
    browser = httpx.Client(
        base_url=SITE,
        transport=transport,
        timeout=30,
        follow_redirects=False,
        headers={"Origin": SITE, "Referer": SITE + "/"},
        cookies={"sessionid": session} if session else None,
    )
    return browser


class Node:
    """Straight to one app node, as nginx talks to it (plain HTTP, forwarded headers).
    Its cookies are kept by hand: they are Secure, and this is not HTTPS."""

    def __init__(self, name, *, session):
        self.cookies = {"sessionid": session}
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{PORTS[name]}",
            headers={
                "Host": f"{HOST}:{PORTS['https']}",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "127.0.0.9",
                "Origin": SITE,
                "Referer": SITE + "/",
            },
            timeout=30,
            follow_redirects=False,
        )

    def request(self, method, url, **kwargs):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        answer = self.http.request(method, url, headers={"Cookie": cookie}, **kwargs)
        for header in answer.headers.get_list("set-cookie"):
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        return answer

    def get(self, url):
        return self.request("GET", url)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)


def node(name, *, cookie) -> Node:
    return Node(name, session=cookie)


class Form(html.parser.HTMLParser):
    """The fields of the page's first form that has the field `having`, as a browser
    would post them."""

    def __init__(self, page: str, having: str):
        super().__init__()
        self.forms, self.current, self.select = [], None, None
        self.feed(page)
        found = [fields for fields in self.forms if having in fields]
        if not found:
            raise AssertionError(f"no form with {having!r} on the page")
        self.fields = found[0]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind in {"submit", "file"}:
                return
            self.current[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs.get("name")
            self.current.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.current[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.current.setdefault(attrs.get("name"), "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def errors_of(page: str) -> list[str]:
    """The form's error messages on a page, for a failure's explanation."""
    return re.findall(r'class="fr-(?:error|message--error)[^"]*"[^>]*>(.*?)<', page, re.S) or [
        page[-1500:]
    ]


def proves(line):
    say(f"✓ {line}")


def django_setup():
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "pacte.settings",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
            "DEBUG": "1",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def sessions():
    from bench.loadtest import session_cookie
    from pacte.models import User

    # "sessionid=<key>": the key, for the clients' cookie jars.
    return {
        username: session_cookie(User.objects.get(username=username)).split("=", 1)[1]
        for username in ("admin", "coordination", "conseiller")
    }


def prove_rename_seen_at_once(cookies):
    from pacte.models import User

    counsellor = User.objects.get(username="conseiller2")
    listing = "/jeunes/"
    b = node("node_b", cookie=cookies["coordination"])
    before = b.get(listing)
    assert before.status_code == 200, before.status_code
    assert counsellor.last_name in before.text
    a = node("node_a", cookie=cookies["coordination"])
    page = a.get(f"/comptes/{counsellor.pk}/")
    assert page.status_code == 200, page.status_code
    fields = Form(page.text, "last_name").fields
    renamed = f"Renommé{secrets.token_hex(3)}"
    fields["last_name"] = renamed
    saved = a.post(f"/comptes/{counsellor.pk}/", data=fields)
    assert saved.status_code == 302, (saved.status_code, errors_of(saved.text))
    after = b.get(listing)
    assert renamed in after.text, "node B still shows the former name"
    proves("a counsellor renamed on node A is in node B's list filters at once (shared cache)")


def prove_import_across_nodes(cookies):
    from partners.models import Partner

    name = f"Mission locale du cluster {secrets.token_hex(3)}"
    a = node("node_a", cookie=cookies["admin"])
    b = node("node_b", cookie=cookies["admin"])
    b.cookies = a.cookies  # one browser: the same cookies whichever node answers
    url = "/admin/partners/partner/import/"
    page = a.get(url)
    assert page.status_code == 200, page.status_code
    fields = Form(page.text, "format").fields
    formats = re.findall(r'<option value="(\d+)"[^>]*>\s*csv', page.text, re.I)
    fields["format"] = formats[0] if formats else "0"
    content = f"Territoire;Nom;Type\n75;{name};Mission locale\n".encode("cp1252")
    preview = a.post(url, data=fields, files={"import_file": ("partenaires.csv", content)})
    assert preview.status_code == 200, preview.status_code
    try:
        confirm = Form(preview.text, "import_file_name").fields
    except AssertionError:
        raise AssertionError(errors_of(preview.text)) from None
    assert confirm.get("import_file_name"), preview.text[-3000:]
    assert not Partner.objects.filter(name=name).exists()
    done = b.post("/admin/partners/partner/process_import/", data=confirm)
    assert done.status_code == 302, (done.status_code, done.text[:3000])
    assert Partner.objects.filter(name=name).exists(), "nothing imported"
    proves("an import previewed on node A is confirmed on node B (previews in the database)")


def prove_concurrent_pages(cookies):
    from participants.models import Participant

    pks = list(
        Participant.objects.filter(referent__username="conseiller").values_list("pk", flat=True)[
            :20
        ]
    )
    assert pks, "no participant of the demo counsellor"

    def fetch(index):
        with client(session=cookies["conseiller"]) as browser:
            return browser.get(f"/jeunes/{pks[index % len(pks)]}/").status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(fetch, range(200)))
    wrong = [status for status in statuses if status != 200]
    assert not wrong, f"{len(wrong)} of 200 pages not 200: {sorted(set(wrong))}"
    proves("200 concurrent participant pages through nginx and pgbouncer: 200 × 200 OK")


def prove_reminders_once(sms):
    from django.utils import timezone
    from django_q.models import Schedule

    from events.models import Event, Registration, RegistrationStatus, SentMessage
    from pacte.models import User
    from pacte.schedules import SCHEDULES
    from participants.models import Participant

    reminders = next(
        name for name, job in SCHEDULES.items() if job[0].endswith("send_due_reminders")
    )
    coordinator = User.objects.get(username="coordination")
    event = Event.objects.create(
        territory_id=coordinator.territory_id,
        date=timezone.localdate() + dt.timedelta(days=2),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="5 rue Leblanc, Paris",
        capacity=80,
        status="open",
        created_by=coordinator,
    )
    invited = list(
        Participant.objects.filter(territory_id=coordinator.territory_id, phone__startswith="+336")
        .exclude(registrations__event__date__gte=timezone.localdate())
        .order_by("pk")[:6]
    )
    assert invited, "no participant with a phone"
    for participant in invited:
        Registration.objects.create(
            event=event,
            participant=participant,
            status=RegistrationStatus.CONFIRMED,
            invited_by=coordinator,
        )
    due = SentMessage.objects.filter(registration__event=event, kind="reminder")
    Schedule.objects.filter(name=reminders).update(
        next_run=timezone.now() - dt.timedelta(seconds=1)
    )
    wait_for(
        "the reminders sent",
        lambda: due.filter(status="sent").count() == len(invited),
        seconds=90,
    )
    time.sleep(4)  # a second run, if any, would have sent by now
    phones = [request.json["recipient"] for request in sms.requests]
    ours = {participant.phone.lstrip("+") for participant in invited}
    sent = [phone for phone in phones if phone.lstrip("+") in ours]
    assert due.count() == len(invited), due.count()
    assert len(sent) == len(set(sent)) == len(invited), sent
    proves(f"the day's reminders go out once with two workers ({len(invited)} SMS, none twice)")


def login(source, username, password):
    with client(source=source) as browser:
        page = browser.get("/connexion/")
        token = page.cookies.get("csrftoken") or browser.cookies.get("csrftoken")
        answer = browser.post(
            "/connexion/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Origin": SITE, "Referer": SITE + "/connexion/"},
        )
        return answer


def prove_lockout_by_address():
    from axes.models import AccessAttempt

    # The fifth failure locks: it answers the lockout page (429) itself.
    statuses = [
        login("127.0.0.2", "pilote", "pas-le-bon-mot-de-passe").status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429], statuses
    locked = login("127.0.0.2", "pilote", "pacte-demo-2026")
    assert locked.status_code == 429, "the locked address logged in"
    other = login("127.0.0.3", "pilote", "pacte-demo-2026")
    assert other.status_code == 302, (other.status_code, other.text[:500])
    # axes saw the client's address, not nginx's (127.0.0.1).
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {"127.0.0.2"}, addresses
    proves(
        "5 failures from 127.0.0.2 lock it out (axes saw 127.0.0.2, not nginx); "
        "127.0.0.3 logs in with the same account"
    )


def wrk(seconds, cookie, path, marker):
    from bench.loadtest import drive

    return drive(
        "cluster",
        SITE + path,
        cookie=f"sessionid={cookie}",
        marker=marker,
        seconds=seconds,
        connections=20,
        # Two cores serve nginx, two nodes, two workers and wrk: a page may wait seconds
        # in a queue. A timeout here is wrk giving up, not a request left unanswered.
        timeout=30,
    )


def prove_failover_and_throughput(processes, cookies):
    from participants.models import FollowUp, Participant

    participant = Participant.objects.filter(referent__username="conseiller").first()
    page = f"/jeunes/{participant.pk}/"
    marker = participant.last_name
    both = wrk(30, cookies["conseiller"], page, marker)
    assert both.all_ok, both

    # Writes during the stop: each follow-up answered 2xx/3xx is stored, none is lost.
    answered, errors, timed, stop = [], [], [], threading.Event()
    stopped_at = {"at": float("inf")}

    def stop_node_a():
        stopped_at["at"] = time.monotonic()
        processes.stop("node_a")

    def write():
        with client(session=cookies["conseiller"]) as browser:
            token = Form(browser.get(page).text, "summary").fields["csrfmiddlewaretoken"]
            while not stop.is_set():
                summary = f"Appel du cluster {secrets.token_hex(4)}"
                answer = browser.post(
                    f"/jeunes/{participant.pk}/suivis/",
                    data={
                        "csrfmiddlewaretoken": token,
                        "happened_on": dt.date.today().isoformat(),
                        "kind": "phone",
                        "summary": summary,
                    },
                )
                (answered if answer.status_code < 400 else errors).append(
                    (answer.status_code, summary)
                )
                timed.append((answer.status_code, summary, time.monotonic()))

    writers = [threading.Thread(target=write) for _ in range(2)]
    for thread in writers:
        thread.start()
    stopper = threading.Timer(5, stop_node_a)
    stopper.start()
    during = wrk(15, cookies["conseiller"], page, marker)
    stop.set()
    for thread in writers:
        thread.join(timeout=30)
    stopper.join()
    assert during.all_ok, during
    stored = set(
        FollowUp.objects.filter(summary__startswith="Appel du cluster").values_list(
            "summary", flat=True
        )
    )
    lost = [summary for _status, summary in answered if summary not in stored]
    assert answered and not lost, (len(answered), lost[:5])
    # A POST passed on to node B was never read by node A: none is stored twice.
    twice = FollowUp.objects.filter(summary__startswith="Appel du cluster").count()
    assert twice == len(answered), (twice, len(answered))
    assert not errors, errors[:5]
    after_stop = [status for status, _summary, at in timed if at > stopped_at["at"]]
    assert after_stop and all(status < 400 for status in after_stop), after_stop[:5]
    proves(
        f"node A stopped during wrk: {during.requests} pages and {len(answered)} writes "
        f"answered ({len(after_stop)} of them after the stop, by B), every write stored, "
        "no error"
    )

    one = wrk(30, cookies["conseiller"], page, marker)
    assert one.all_ok, one
    say(
        f"  throughput (wrk, 30 s, 20 connections): two nodes {both.per_second:.0f} req/s, "
        f"one node {one.per_second:.0f} req/s, ratio {both.per_second / one.per_second:.2f} "
        "(not judged: the machine has 2 cores)"
    )


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="pacte-cluster-"))
    processes = Processes(work)
    sys.path.insert(0, str(ROOT))
    from tests.sms_stub import BrevoStub

    sms = BrevoStub().start()
    SMS["url"] = sms.url
    STATIC["root"] = str(work / "static")
    try:
        verify_units(work)
        create_database()
        start_cluster(processes, work)
        say(
            f"up in {time.monotonic() - started:.0f} s: nginx {SITE}, nodes "
            f":{PORTS['node_a']} :{PORTS['node_b']}, pgbouncer :{PORTS['pgbouncer']}, "
            f"redis :{PORTS['redis']}, two workers"
        )
        django_setup()
        cookies = sessions()
        prove_rename_seen_at_once(cookies)
        prove_import_across_nodes(cookies)
        prove_concurrent_pages(cookies)
        prove_reminders_once(sms)
        prove_lockout_by_address()
        prove_failover_and_throughput(processes, cookies)
    except BaseException:
        say("FAILED — the servers' logs:")
        print(processes.tails(), flush=True)
        raise
    finally:
        processes.stop_all()
        sms.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_database(check=False)
        shutil.rmtree(work, ignore_errors=True)
    say(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
