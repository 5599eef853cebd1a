"""The files the application writes are rows of the database (pacte.stored_files): every
app node and job worker reads the same, nothing is written to a node's disk, nothing is
served under a URL, and old files are purged folder by folder."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from pacte.stored_files.models import StoredFile
from pacte.stored_files.storage import DatabaseStorage

pytestmark = pytest.mark.django_db

# Bytes of every value, a NUL and what is no UTF-8 among them: kept as they are.
CONTENT = bytes(range(256)) + b"Nom;Pr\xe9nom\r\n"


@pytest.fixture
def storage():
    return DatabaseStorage()


def age(name, **ago):
    assert StoredFile.objects.filter(name=name).update(
        created_at=timezone.now() - dt.timedelta(**ago)
    )


def test_a_file_saved_is_read_back_byte_for_byte_then_deleted(storage):
    name = storage.save("work/export.csv", ContentFile(CONTENT))

    assert name == "work/export.csv"
    stored = StoredFile.objects.get(name=name)
    assert (bytes(stored.content), stored.size) == (CONTENT, len(CONTENT))
    assert storage.exists(name)
    assert storage.size(name) == len(CONTENT)
    with storage.open(name, "rb") as opened:
        assert opened.read() == CONTENT
    assert storage.listdir("work") == ([], ["export.csv"])
    assert abs(storage.get_created_time(name) - timezone.now()) < dt.timedelta(minutes=1)

    storage.delete(name)

    assert not storage.exists(name)
    assert not StoredFile.objects.exists()
    assert storage.listdir("work") == ([], [])
    storage.delete(name)  # gone already: nothing to do


def test_a_missing_file_is_not_found(storage):
    assert not storage.exists("work/absent.csv")
    with pytest.raises(FileNotFoundError):
        storage.open("work/absent.csv", "rb")
    with pytest.raises(FileNotFoundError):
        storage.size("work/absent.csv")
    with pytest.raises(FileNotFoundError):
        storage.get_created_time("work/absent.csv")


def test_a_name_taken_gets_another_and_the_first_file_is_kept(storage):
    first = storage.save("work/export.csv", ContentFile(b"premier"))
    second = storage.save("work/export.csv", ContentFile(b"second"))

    assert first == "work/export.csv"
    assert second != first and second.startswith("work/export")
    assert storage.open(first, "rb").read() == b"premier"
    assert storage.open(second, "rb").read() == b"second"


def test_a_text_file_is_saved_as_utf_8_and_read_back_as_text(storage):
    name = storage.save("work/notes.txt", ContentFile("Prénom\n"))

    assert storage.open(name, "rb").read() == "Prénom\n".encode()
    assert storage.open(name, "r").read() == "Prénom\n"


def test_a_file_is_written_by_save_never_opened_for_writing(storage):
    storage.save("work/export.csv", ContentFile(CONTENT))

    for mode in ("wb", "ab", "r+b"):
        with pytest.raises(ValueError):
            storage.open("work/export.csv", mode)
    assert storage.open("work/export.csv", "rb").read() == CONTENT


def test_listdir_gives_a_folder_s_files_and_subfolders_only(storage):
    for name in ("work/a.csv", "work/b.xlsx", "work/sub/c.csv", "work-other/d.csv", "e.csv"):
        storage.save(name, ContentFile(b"x"))

    assert storage.listdir("work") == (["sub"], ["a.csv", "b.xlsx"])
    assert storage.listdir("work/") == (["sub"], ["a.csv", "b.xlsx"])
    assert storage.listdir("work/sub") == ([], ["c.csv"])
    assert storage.listdir("") == (["work", "work-other"], ["e.csv"])


def test_a_stored_file_has_no_url_nor_any_path_on_a_disk(storage):
    name = storage.save("work/export.csv", ContentFile(CONTENT))

    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)
    with pytest.raises(NotImplementedError):
        storage.path(name)


def test_the_default_storage_is_the_database(settings):
    assert isinstance(default_storage, DatabaseStorage)
    assert not settings.MEDIA_ROOT  # Django's default: no folder of a node's disk

    name = default_storage.save("import-previews/0123456789abcdef", ContentFile(b"Nom\n"))

    assert StoredFile.objects.filter(name=name).exists()
    with pytest.raises(ValueError):
        default_storage.url(name)


def test_purge_deletes_the_folder_s_files_older_than_the_age_only(storage):
    for name in (
        "work/old.csv",
        "work/recent.csv",
        "work/sub/old.csv",
        "work-other/old.csv",
        "import-previews/old",
        "old.csv",
    ):
        storage.save(name, ContentFile(b"x"))
    for name in ("work/old.csv", "work/sub/old.csv", "work-other/old.csv"):
        age(name, days=8)
    age("import-previews/old", days=30)
    age("old.csv", days=30)
    age("work/recent.csv", days=6)

    assert storage.purge("work", older_than=dt.timedelta(days=7)) == 2

    assert sorted(StoredFile.objects.values_list("name", flat=True)) == [
        "import-previews/old",
        "old.csv",
        "work-other/old.csv",
        "work/recent.csv",
    ]
    assert storage.purge("work", older_than=dt.timedelta(days=7)) == 0


def test_purge_counts_from_the_time_it_is_given(storage):
    storage.save("work/export.csv", ContentFile(b"x"))
    age("work/export.csv", days=3)
    now = timezone.now()

    assert storage.purge("work", older_than=dt.timedelta(days=7), now=now) == 0
    assert storage.purge("work", older_than=dt.timedelta(days=7), now=now + dt.timedelta(days=5))
    assert not StoredFile.objects.exists()
