import pytest

from events import outbox
from pacte import sms


@pytest.fixture
def messages_at_once(settings, monkeypatch):
    """SMS kept in memory, and what is queued delivered at once (as after a commit: the
    test's transaction never commits). tests/events/test_outbox.py tests the real path."""
    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    monkeypatch.setattr(outbox, "deliver_after_commit", lambda ids: outbox.enqueue(list(ids)))
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
