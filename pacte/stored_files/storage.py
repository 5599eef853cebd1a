"""A Django storage on the StoredFile table (the public Storage API, nothing else).

Files here are small (an export, an import file of at most a few megabytes) and short-
lived (days): a table is simpler to run than a shared disk or an object store, and it is
in the database's backups and its transactions like everything else.
"""

import datetime as dt
import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from pacte.stored_files.models import StoredFile


@deconstructible(path="pacte.stored_files.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("A stored file is written by save(), not opened for writing.")
        try:
            content = StoredFile.objects.values_list("content", flat=True).get(name=name)
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(name) from None
        data = bytes(content)
        if "b" not in mode:
            return ContentFile(data.decode(), name=name)
        return ContentFile(data, name=name)

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in content.chunks()
        )
        StoredFile.objects.create(name=name, content=data, size=len(data))
        return name

    def delete(self, name):
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name):
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name):
        try:
            return StoredFile.objects.values_list("size", flat=True).get(name=name)
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(name) from None

    def listdir(self, path):
        prefix = path.rstrip("/") + "/" if path else ""
        names = StoredFile.objects.filter(in_folder(prefix)).values_list("name", flat=True)
        folders, files = set(), []
        for name in names:
            rest = name[len(prefix) :]
            if "/" in rest:
                folders.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(folders), sorted(files)

    def get_created_time(self, name):
        try:
            return StoredFile.objects.values_list("created_at", flat=True).get(name=name)
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(name) from None

    get_modified_time = get_created_time

    def url(self, name):
        raise ValueError("A stored file has no URL: a view that checks who asks hands it out.")

    def purge(self, folder: str, *, older_than: dt.timedelta, now=None) -> int:
        """Delete the files of `folder` kept longer than `older_than`; how many."""
        cutoff = (now or timezone.now()) - older_than
        deleted, _ = StoredFile.objects.filter(
            in_folder(posixpath.join(folder, "")), created_at__lt=cutoff
        ).delete()
        return deleted


def in_folder(prefix: str) -> Q:
    """Names starting with `prefix`, letter case included: a range, not LIKE (SQLite's
    LIKE ignores case, PostgreSQL's does not)."""
    if not prefix:
        return Q()
    return Q(name__gte=prefix, name__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))
