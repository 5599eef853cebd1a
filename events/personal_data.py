"""The events app's part of the personal data registry (pacte.personal_data)."""

from pacte.personal_data import Holding, declare


def declare_events_data():
    declare(
        Holding(
            "events.Registration",
            "participant",
            "inscriptions aux Café-métiers",
            cleared={"over_capacity_reason": ""},
            exported=("event", "status", "walk_in", "confirmed_at", "checked_in_at"),
            order_by=("event__date", "pk"),
        ),
        # The number or address a message went to, and what the provider answered.
        Holding(
            "events.SentMessage",
            "registration__participant",
            "messages envoyés (convocations, rappels)",
            cleared={"recipient": "", "last_error": "", "provider_message_id": ""},
            exported=("kind", "channel", "recipient", "status", "sent_at", "delivered_at"),
            order_by=("created_at", "pk"),
        ),
        # A recruiter's free-text reason is about the young person.
        Holding(
            "events.Interview",
            "registration__participant",
            "entretiens de job-dating et leurs suites",
            cleared={"reason": ""},
            exported=("table", "starts_at", "outcome", "contract_type", "reason"),
            order_by=("registration__event__date", "starts_at", "pk"),
        ),
    )
