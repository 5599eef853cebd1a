"""Background work (pacte.work): its page and its file are its requester's only, the job
runs once, and results older than seven days are deleted with their files."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.models import AccessAction, AccessLog
from pacte.roles import Role
from pacte.schedules import SCHEDULES
from pacte.stored_files.models import StoredFile
from pacte.work import services
from pacte.work.models import (
    WORK_LOST_AFTER,
    BackgroundWork,
    WorkKind,
    WorkStatus,
    private_storage,
)

pytestmark = pytest.mark.django_db


EXPORT_PARAMETERS = {"format": "csv", "filename": "jeunes-2026-03-14.csv", "filters": {}}


def make_work(user, *, kind=WorkKind.PARTICIPANTS_EXPORT, content=None, **fields):
    fields.setdefault("parameters", EXPORT_PARAMETERS)
    work = BackgroundWork.objects.create(
        kind=kind, requested_by=user, territory_id=user.territory_id, **fields
    )
    if content is not None:
        services.work_write_file(work, [content])
        BackgroundWork.objects.filter(pk=work.pk).update(status=WorkStatus.DONE)
        work.refresh_from_db()
    return work


def detail(work):
    return reverse("work:detail", args=[work.pk])


def download(work):
    return reverse("work:file", args=[work.pk])


# Who opens it --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", [Role.ADMINISTRATOR, Role.PILOT, Role.COUNSELLOR, Role.RECRUITER, "other_coordinator"]
)
def test_the_page_and_the_file_are_unknown_to_anyone_but_the_requester(client_for, users, who):
    work = make_work(users[Role.COORDINATOR], content=b"Nom\r\nMartin\r\n", done=1, total=1)
    other = client_for(users[who])

    assert other.get(detail(work)).status_code == 404
    assert other.get(download(work)).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()

    requester = client_for(users[Role.COORDINATOR])
    assert requester.get(detail(work)).status_code == 200
    assert requester.get(download(work)).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login_page(client_for, users):
    work = make_work(users[Role.COORDINATOR], content=b"Nom\r\n")

    for url in (detail(work), download(work)):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_administrator_opens_no_participants_export_not_even_one_of_their_own(
    client_for, users
):
    admin = users[Role.ADMINISTRATOR]
    export = make_work(admin, content=b"Nom\r\n")
    own_import = make_work(admin, kind=WorkKind.PARTNERS_IMPORT, status=WorkStatus.DONE)
    client = client_for(admin)

    assert client.get(detail(export)).status_code == 404
    assert client.get(download(export)).status_code == 404
    assert client.get(detail(own_import)).status_code == 200


def test_a_requester_who_changed_territory_or_role_no_longer_opens_the_export(
    client_for, users, other_territory
):
    from pacte.factories import StructureFactory

    coordinator = users[Role.COORDINATOR]
    work = make_work(coordinator, content=b"Nom\r\n")
    client = client_for(coordinator)
    assert client.get(detail(work)).status_code == 200

    coordinator.structure = StructureFactory(territory=other_territory, prefecture=True)
    coordinator.save()
    assert client.get(detail(work)).status_code == 404

    pilot = users[Role.PILOT]
    work = make_work(pilot, content=b"Nom\r\n")
    pilot.role = Role.COUNSELLOR
    pilot.structure = users[Role.COUNSELLOR].structure
    pilot.save()
    client.force_login(pilot)
    assert client.get(download(work)).status_code == 404


# The page ------------------------------------------------------------------------------


def test_while_it_runs_the_page_refreshes_itself_and_has_a_link_without_javascript(
    client_for, users
):
    work = make_work(users[Role.COORDINATOR], status=WorkStatus.RUNNING, done=3200, total=100_000)
    client = client_for(users[Role.COORDINATOR])

    page = client.get(detail(work)).content.decode()
    assert "Export de la liste des jeunes" in page
    assert "En cours" in page
    assert 'hx-trigger="every 2s"' in page
    assert f'href="{detail(work)}">Actualiser</a>' in page
    assert "3\xa0200 / 100\xa0000 lignes" in page
    assert 'max="100000" value="3200"' in page

    partial = client.get(detail(work), HTTP_HX_REQUEST="true")
    assert [template.name for template in partial.templates] == ["pacte/_work_status.html"]
    assert partial.content.decode().lstrip().startswith('<div id="travail-etat"')
    assert 'hx-trigger="every 2s"' in partial.content.decode()


def test_once_done_the_page_stops_asking_and_offers_the_file(client_for, users):
    work = make_work(users[Role.COORDINATOR], content=b"Nom\r\n", done=1, total=1)
    BackgroundWork.objects.filter(pk=work.pk).update(message="1 jeune exporté.")
    client = client_for(users[Role.COORDINATOR])

    page = client.get(detail(work), HTTP_HX_REQUEST="true").content.decode()

    assert "hx-trigger" not in page
    assert "1 jeune exporté." in page
    assert f'href="{download(work)}"' in page
    assert "Télécharger « jeunes-2026-03-14.csv »" in page


def test_a_failed_work_says_why_and_has_no_file(client_for, users):
    work = make_work(
        users[Role.COORDINATOR],
        kind=WorkKind.PARTNERS_IMPORT,
        status=WorkStatus.FAILED,
        message="Rien n’a été importé : le fichier contient des erreurs.",
        details=["Ligne 3, SIRET : Ce SIRET n’est pas valide."],
    )
    client = client_for(users[Role.COORDINATOR])

    page = client.get(detail(work)).content.decode()

    assert "Le travail n’a pas abouti" in page
    assert "Rien n’a été importé : le fichier contient des erreurs." in page
    assert "<li>Ligne 3, SIRET : Ce SIRET n’est pas valide.</li>" in page
    assert "hx-trigger" not in page
    assert client.get(download(work)).status_code == 404


def test_work_lost_long_ago_is_said_interrupted_and_no_longer_refreshed(client_for, users):
    work = make_work(
        users[Role.COORDINATOR],
        status=WorkStatus.RUNNING,
        started_at=timezone.now() - WORK_LOST_AFTER - dt.timedelta(minutes=1),
    )

    page = client_for(users[Role.COORDINATOR]).get(detail(work)).content.decode()

    assert "Ce travail semble interrompu" in page
    assert "hx-trigger" not in page


# The file ------------------------------------------------------------------------------


def test_each_download_is_an_export_in_the_access_log(client_for, users):
    coordinator = users[Role.COORDINATOR]
    work = make_work(coordinator, content=b"\xef\xbb\xbfNom\r\nMartin\r\n", done=1, total=1)
    BackgroundWork.objects.filter(pk=work.pk).update(
        parameters={**work.parameters, "filters": {"status": ["active"], "sort": ["name"]}}
    )
    client = client_for(coordinator)

    for _attempt in range(2):
        response = client.get(download(work))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == ('attachment; filename="jeunes-2026-03-14.csv"')
        assert b"".join(response.streaming_content) == b"\xef\xbb\xbfNom\r\nMartin\r\n"

    entries = AccessLog.objects.filter(action=AccessAction.EXPORT)
    assert entries.count() == 2
    entry = entries.first()
    assert (entry.user, entry.territory_id, entry.object_type, entry.row_count) == (
        coordinator,
        coordinator.territory_id,
        "participant",
        1,
    )
    assert entry.filters == {"status": "active", "sort": "name"}
    assert entry.path == download(work)


def test_a_file_gone_from_the_storage_is_a_404(client_for, users):
    work = make_work(users[Role.COORDINATOR], content=b"Nom\r\n")
    private_storage.delete(work.file.name)

    assert client_for(users[Role.COORDINATOR]).get(download(work)).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_the_files_are_private_in_the_database_on_no_disk_and_under_no_url(users):
    work = make_work(users[Role.COORDINATOR], content=b"Nom\r\n")

    assert work.file.name.startswith("work/")
    stored = StoredFile.objects.get(name=work.file.name)
    assert (bytes(stored.content), stored.size) == (b"Nom\r\n", 5)
    with pytest.raises(ValueError, match="no URL"):
        _ = work.file.url
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url(work.file.name)
    # No path on any node's disk: another node or a job worker reads the same row.
    with pytest.raises(NotImplementedError):
        private_storage.path(work.file.name)


# The job -------------------------------------------------------------------------------


def test_a_job_handed_out_twice_runs_once(users, monkeypatch):
    work = make_work(users[Role.COORDINATOR], kind=WorkKind.PARTNERS_IMPORT)
    runs = []
    monkeypatch.setitem(services.JOBS, WorkKind.PARTNERS_IMPORT, "builtins.str")
    monkeypatch.setattr(
        services, "import_string", lambda path: lambda work: runs.append(work.pk) or "Fait."
    )

    assert services.work_run(work.pk) == WorkStatus.DONE
    assert services.work_run(work.pk) == "skipped"

    assert runs == [work.pk]
    work.refresh_from_db()
    assert (work.status, work.message) == (WorkStatus.DONE, "Fait.")
    assert work.started_at is not None and work.finished_at is not None


def test_the_job_of_a_deactivated_account_does_nothing(users, monkeypatch):
    coordinator = users[Role.COORDINATOR]
    work = make_work(coordinator)
    coordinator.is_active = False
    coordinator.save()
    monkeypatch.setattr(services, "import_string", lambda path: pytest.fail("the job ran"))

    assert services.work_run(work.pk) == WorkStatus.FAILED

    work.refresh_from_db()
    assert work.message.startswith("Votre compte ne permet plus ce travail")


def test_work_is_handed_to_the_cluster_once_its_transaction_commits(
    users, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(services, "work_enqueue", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        work = services.work_request(
            kind=WorkKind.PARTNERS_IMPORT, by=users[Role.COORDINATOR], parameters={}
        )
        assert enqueued == []

    assert enqueued == [work.pk]
    assert work.status == WorkStatus.QUEUED


# Old results ---------------------------------------------------------------------------


def age(name, days):
    StoredFile.objects.filter(name=name).update(created_at=timezone.now() - dt.timedelta(days=days))


def work_files():
    names = StoredFile.objects.filter(name__startswith="work/").values_list("name", flat=True)
    return sorted(names)


def test_results_older_than_seven_days_are_deleted_with_their_files(users):
    coordinator = users[Role.COORDINATOR]
    old = make_work(coordinator, content=b"Nom\r\nAncien\r\n")
    old_import_input = services.write_private_file("import-ancien.csv", [b"Nom\r\n"])
    old_import = make_work(
        coordinator,
        kind=WorkKind.PARTNERS_IMPORT,
        parameters={"input": old_import_input},
    )
    BackgroundWork.objects.filter(pk__in=[old.pk, old_import.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    recent = make_work(coordinator, content=b"Nom\r\nRecent\r\n")
    orphan = services.write_private_file("orphelin.csv", [b"Nom\r\n"])
    age(orphan, days=8)
    # A recent file of no work (a job writing it): kept.
    unrecorded = services.write_private_file("en-cours.csv", [b"Nom\r\n"])
    age(unrecorded, days=6)
    lost = make_work(coordinator, status=WorkStatus.RUNNING)
    BackgroundWork.objects.filter(pk=lost.pk).update(
        started_at=timezone.now() - dt.timedelta(hours=2)
    )

    from pacte.jobs import purge_old_work

    assert purge_old_work() == {"deleted": 2, "files": 1, "lost": 1}

    assert set(BackgroundWork.objects.values_list("pk", flat=True)) == {recent.pk, lost.pk}
    assert work_files() == sorted([recent.file.name, unrecorded])
    lost.refresh_from_db()
    assert lost.status == WorkStatus.FAILED
    assert lost.message == "Le travail a été interrompu avant sa fin : relancez-le."


def test_the_purge_is_a_daily_schedule():
    (func, args, every) = SCHEDULES["Exports et imports : effacer les résultats de plus de 7 jours"]

    assert func == "pacte.jobs.purge_old_work"
    assert isinstance(every, dt.time)
