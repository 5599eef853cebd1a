"""The participants export past PACTE_EXPORT_INLINE_MAX rows: background work whose file
holds every row of the list as its requester sees it, and nothing else."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from pacte.factories import StructureFactory
from pacte.models import AccessAction, AccessLog
from pacte.roles import Role
from pacte.stored_files.models import StoredFile
from pacte.work.models import BackgroundWork, WorkKind, WorkStatus
from participants import export_jobs
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import Status

pytestmark = pytest.mark.django_db

EXPORT = reverse("participants:export", args=["csv"])
EXPORT_XLSX = reverse("participants:export", args=["xlsx"])


@pytest.fixture(autouse=True)
def inline_max(settings):
    settings.PACTE_EXPORT_INLINE_MAX = 3


def work_files():
    return list(StoredFile.objects.filter(name__startswith="work/").values_list("name", flat=True))


@pytest.fixture
def paris_list(users, paris, mission_locale):
    """Five more young people of Paris (six with the conftest's), two of another
    territory, one of them followed by a counsellor of another structure."""
    year = users["participant"].programme_year
    other_structure = StructureFactory(territory=paris, name="Mission locale Paris Est")
    mine = [
        ParticipantFactory(
            programme_year=year, structure_in_charge=mission_locale, last_name=f"Paris{n}"
        )
        for n in range(4)
    ]
    mine.append(
        ParticipantFactory(
            programme_year=year, structure_in_charge=other_structure, last_name="ParisEst"
        )
    )
    elsewhere = ProgrammeYearFactory(territory=users["other_coordinator"].structure.territory)
    theirs = [
        ParticipantFactory(programme_year=elsewhere, last_name=f"Ailleurs{n}") for n in range(2)
    ]
    return [users["participant"], *mine], theirs


def csv_names(content: bytes):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Nom", "Prénom"]
    return sorted(row[0] for row in rows[1:])


def export_as_work(client, url, django_capture_on_commit_callbacks, **query):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, query)
    work = BackgroundWork.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("work:detail", args=[work.pk])
    work.refresh_from_db()
    return work


def test_an_export_past_the_inline_max_becomes_work_with_every_row_of_the_territory(
    client_for, users, paris_list, django_capture_on_commit_callbacks
):
    mine, theirs = paris_list
    coordinator = users[Role.COORDINATOR]
    client = client_for(coordinator)

    work = export_as_work(client, EXPORT, django_capture_on_commit_callbacks)

    assert (work.kind, work.status, work.requested_by) == (
        WorkKind.PARTICIPANTS_EXPORT,
        WorkStatus.DONE,
        coordinator,
    )
    assert (work.done, work.total) == (6, 6)
    assert work.message == "6 jeunes exportés."
    # One export entry for the request, as for an export in the request.
    (asked,) = AccessLog.objects.filter(action=AccessAction.EXPORT)
    assert (asked.object_type, asked.row_count, asked.path) == ("participant", 6, EXPORT)

    response = client.get(reverse("work:file", args=[work.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{export_jobs.export_filename()}.csv"' in response["Content-Disposition"]
    names = csv_names(b"".join(response.streaming_content))
    assert names == sorted(p.last_name for p in mine)
    assert not {p.last_name for p in theirs} & set(names)
    assert AccessLog.objects.filter(action=AccessAction.EXPORT).count() == 2


def test_the_file_holds_the_list_s_filters_and_another_territory_s_export_its_own_only(
    client_for, users, paris_list, django_capture_on_commit_callbacks
):
    mine, theirs = paris_list
    for participant in mine[:4]:
        participant.status = Status.SUSPENDED
        participant.save()
    client = client_for(users[Role.PILOT])

    work = export_as_work(
        client, EXPORT_XLSX, django_capture_on_commit_callbacks, status=Status.SUSPENDED
    )

    assert work.parameters["filters"] == {"status": [Status.SUSPENDED]}
    assert work.back_url == reverse("participants:list") + f"?status={Status.SUSPENDED}"
    response = client.get(reverse("work:file", args=[work.pk]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["Jeunes"]
    assert sheet.freeze_panes == "A2"
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(
        p.last_name for p in mine[:4]
    )

    # A small list stays in the request, as before: another territory's two rows.
    response = client_for(users["other_coordinator"]).get(EXPORT)
    assert response.status_code == 200
    assert csv_names(b"".join(response.streaming_content)) == sorted(p.last_name for p in theirs)
    assert BackgroundWork.objects.count() == 1


def test_a_list_of_the_inline_max_is_exported_in_the_request(client_for, users, settings):
    settings.PACTE_EXPORT_INLINE_MAX = 1

    response = client_for(users[Role.COORDINATOR]).get(EXPORT)

    assert response.status_code == 200
    assert response.streaming
    assert not BackgroundWork.objects.exists()


def test_progress_moves_while_the_file_is_written(
    client_for, users, paris_list, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    client = client_for(users[Role.COORDINATOR])
    seen = []
    record = export_jobs.work_progress

    def watched(work, *, done, total=None):
        record(work, done=done, total=total)
        stored = BackgroundWork.objects.get(pk=work.pk)
        page = client.get(reverse("work:detail", args=[work.pk]), HTTP_HX_REQUEST="true")
        seen.append((stored.status, stored.done, stored.total, page.content.decode()))

    monkeypatch.setattr(export_jobs, "work_progress", watched)

    work = export_as_work(client, EXPORT, django_capture_on_commit_callbacks)

    assert [(status, done, total) for status, done, total, _page in seen] == [
        (WorkStatus.RUNNING, 0, 6),
        (WorkStatus.RUNNING, 2, 6),
        (WorkStatus.RUNNING, 4, 6),
        (WorkStatus.RUNNING, 6, 6),
        (WorkStatus.RUNNING, 6, 6),
    ]
    halfway = seen[2][3]
    assert "4 / 6 lignes" in halfway
    assert 'hx-trigger="every 2s"' in halfway
    assert work.status == WorkStatus.DONE


def test_a_failure_ends_the_work_failed_with_a_message_and_no_file(
    client_for, users, paris_list, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(user, queryset):
        def rows():
            yield ["Martin"] * 13
            raise RuntimeError("disk full")

        return ["Nom"] * 13, rows()

    monkeypatch.setattr(export_jobs, "export_table", broken)
    client = client_for(users[Role.COORDINATOR])

    work = export_as_work(client, EXPORT, django_capture_on_commit_callbacks)

    assert work.status == WorkStatus.FAILED
    assert work.message.startswith("Le travail n’a pas abouti à la suite d’une erreur technique")
    assert not work.file
    assert work_files() == []
    page = client.get(reverse("work:detail", args=[work.pk])).content.decode()
    assert "relancez-le" in page
    assert client.get(reverse("work:file", args=[work.pk])).status_code == 404


def test_the_job_exports_as_its_requester_sees_the_list_when_it_runs(
    client_for, users, paris_list, other_territory, django_capture_on_commit_callbacks
):
    """A coordinator moved to another territory before the job ran gets no Paris row."""
    coordinator = users[Role.COORDINATOR]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client_for(coordinator).get(EXPORT)
    coordinator.structure = StructureFactory(territory=other_territory, prefecture=True)
    coordinator.save()

    for callback in queued:
        callback()

    work = BackgroundWork.objects.get()
    assert work.status == WorkStatus.FAILED
    assert work.message.startswith("Votre compte ne permet plus ce travail")
    assert not work.file and work_files() == []


def test_a_counsellor_asks_for_no_export_even_of_a_long_list(client_for, users, paris_list):
    response = client_for(users[Role.COUNSELLOR]).get(EXPORT)

    assert response.status_code == 403
    assert not BackgroundWork.objects.exists()
