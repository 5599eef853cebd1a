"""Signals of the foundation that higher layers listen to (they are never imported here)."""

from django.dispatch import Signal

# Sent with `territory` once a new territory is saved: the programme opens its current year.
territory_created = Signal()
