"""Signals of the participants' layer that higher layers listen to (never imported here)."""

from django.dispatch import Signal

# Sent with `participant` and `by`, inside the transaction of the exit: a young person who
# leaves the programme leaves the Café-métiers to come (events.receivers).
participant_exited = Signal()
