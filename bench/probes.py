"""Two measures that are not pages of the list: memory of a national export, a long PDF."""

import datetime as dt
import multiprocessing
import resource
import time

from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration, RegistrationStatus
from pacte.spreadsheets import xlsx_response
from participants.exports import export_table
from participants.models import Participant

PDF_LINES = 200


def _export_everything(user_pk, pipe):
    """In a child process: the XLSX of every participant, read to the end like a download."""
    from pacte.models import User

    user = User.objects.select_related("structure").get(pk=user_pk)
    start = time.perf_counter()
    headers, rows = export_table(user, Participant.objects.order_by("pk"))
    response = xlsx_response("bench", headers, rows)
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pipe.send((Participant.objects.count(), elapsed, peak_mb, size))
    pipe.close()


def national_export(user):
    """Rows, seconds, peak resident memory (MB) and size of the export of all participants.

    A forked child runs it, so its peak memory is the export's, not the bench's.
    """
    connections.close_all()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_export_everything, args=(user.pk, child))
    process.start()
    result = parent.recv()
    process.join()
    return result


def attendance_sheet_seconds(client, user, runs=3):
    """The attendance sheet of an event of PDF_LINES registrations; rolled back after."""
    timings = []
    with transaction.atomic():
        event = Event.objects.create(
            territory_id=user.territory_id,
            date=timezone.localdate() + dt.timedelta(days=30),
            starts_at=dt.time(14),
            ends_at=dt.time(18),
            venue="Banc d’essai",
            address="—",
            capacity=PDF_LINES,
            status="open",
            created_by=user,
        )
        people = Participant.objects.filter(territory_id=user.territory_id).order_by("pk")
        Registration.objects.bulk_create(
            Registration(
                event=event,
                participant=participant,
                status=RegistrationStatus.CONFIRMED,
                invited_by=user,
            )
            for participant in people[:PDF_LINES]
        )
        url = reverse("events:attendance_sheet", args=[event.pk])
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url, secure=True)
            elapsed = time.perf_counter() - start
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                raise RuntimeError(f"feuille d’émargement : réponse {response.status_code}")
            timings.append(elapsed)
        transaction.set_rollback(True)
    return min(timings), max(timings)


OPENED_INVITED = 65


def event_opening_seconds(client, user, runs=3):
    """Opening an event of 65 invited people (its convocations written pending, handed to the
    job cluster once committed): the request alone, rolled back after."""
    from events.models import SentMessage

    timings, queued = [], 0
    with transaction.atomic():
        event = Event.objects.create(
            territory_id=user.territory_id,
            date=timezone.localdate() + dt.timedelta(days=30),
            starts_at=dt.time(14),
            ends_at=dt.time(18),
            venue="Banc d’essai",
            address="—",
            capacity=OPENED_INVITED + 15,
            status="draft",
            created_by=user,
        )
        people = Participant.objects.filter(territory_id=user.territory_id).exclude(phone="")
        Registration.objects.bulk_create(
            Registration(
                event=event,
                participant=participant,
                status=RegistrationStatus.INVITED,
                invited_by=user,
            )
            for participant in people.order_by("pk")[:OPENED_INVITED]
        )
        from events.forms import EventForm

        url = reverse("events:update", args=[event.pk])
        form = EventForm(instance=event, user=user)  # what the page's form would post
        data = {field.name: field.value() for field in form if field.value() not in (None, "")}
        data.update(status="open", starts_at="14:00", ends_at="18:00", staff=[])
        data["date"] = event.date.isoformat()
        for _ in range(runs):
            Event.objects.filter(pk=event.pk).update(status="draft")
            SentMessage.objects.filter(registration__event=event).delete()
            start = time.perf_counter()
            response = client.post(url, data, secure=True)
            timings.append(time.perf_counter() - start)
            if response.status_code != 302:
                raise RuntimeError(f"ouverture du Café-métiers : réponse {response.status_code}")
            queued = SentMessage.objects.filter(registration__event=event, status="pending").count()
        transaction.set_rollback(True)
    return min(timings), max(timings), queued
