"""The Café-métiers of the scale dataset: events, workshops, tables, registrations, interviews."""

import datetime as dt

from pacte.scale.common import (
    REGISTRATIONS_PER_EVENT,
    SLOTS_PER_TABLE,
    TABLES_PER_EVENT,
    rng_for,
    ts,
)


class EventsPart:
    """Part of the Builder (pacte.scale.dataset): needs its territories, seed and anchor."""

    # Café-métiers: events, workshops, tables, registrations, interviews ---------------

    def build_events(self):
        rng = rng_for(self.seed, "events")
        events, workshops, tables, presences, registrations, interviews = [], [], [], [], [], []
        workshop_plan = [
            ("coaching", dt.time(14), dt.time(15)),
            ("job_search", dt.time(15), dt.time(16)),
            ("job_dating", dt.time(16), dt.time(18)),
        ]
        slot = dt.timedelta(minutes=15)
        slot_times = [
            (dt.datetime.combine(self.anchor, dt.time(14)) + i * slot).time()
            for i in range(SLOTS_PER_TABLE + 1)
        ]
        for territory in self.territories:
            people = territory.participant_ids
            for number in range(territory.events):
                event_id = len(events) + 1
                # The largest territory's first event is today: the check-in page's day.
                offset = 0 if number == 0 else rng.randint(-60, 900)
                day = self.anchor - dt.timedelta(days=offset)
                past = day < self.anchor
                events.append(
                    (
                        event_id,
                        "Café-métiers",
                        day,
                        dt.time(14),
                        dt.time(18),
                        f"Préfecture — {territory.name}",
                        f"1 place de la Préfecture, {territory.name}",
                        65,
                        "done" if past else "open",
                        "",
                        ts(day - dt.timedelta(days=40)),
                        territory.coordinator_id,
                        territory.id,
                    )
                )
                for kind, start, end in workshop_plan:
                    workshops.append(
                        (len(workshops) + 1, kind, "", start, end, "", 25, event_id, None)
                    )
                table_ids = []
                employers = territory.employer_ids
                for partner_id in rng.sample(employers, min(TABLES_PER_EVENT, len(employers))):
                    table_ids.append(len(tables) + 1)
                    tables.append(
                        (
                            len(tables) + 1,
                            "",
                            slot_times[0],
                            slot_times[SLOTS_PER_TABLE] if SLOTS_PER_TABLE else dt.time(16),
                            15,
                            event_id,
                            partner_id,
                            None,
                            f"{rng.getrandbits(256):064x}",
                        )
                    )
                    presences.append((len(presences) + 1, "job_dating", 1, event_id, partner_id))
                chosen = rng.sample(people, min(REGISTRATIONS_PER_EVENT, len(people)))
                interviewed = 0
                for pid in chosen:
                    registration_id = len(registrations) + 1
                    if past:
                        status = rng.choices(
                            ["present", "absent", "excused", "cancelled"], [60, 25, 10, 5]
                        )[0]
                    else:
                        status = rng.choice(["invited", "confirmed"])
                    present = status == "present"
                    registrations.append(
                        (
                            registration_id,
                            status,
                            f"{rng.getrandbits(256):064x}",
                            None,
                            ts(day - dt.timedelta(days=10))
                            if status in {"confirmed", "present"}
                            else None,
                            ts(day, "14:05:00") if present else None,
                            False,
                            "",
                            False,
                            ts(day - dt.timedelta(days=20)),
                            ts(day - dt.timedelta(days=20)),
                            territory.coordinator_id if present else None,
                            event_id,
                            territory.coordinator_id,
                            pid,
                        )
                    )
                    if status == "cancelled" or interviewed >= len(table_ids) * SLOTS_PER_TABLE:
                        continue
                    table_id = table_ids[interviewed % len(table_ids)]
                    slot_number = interviewed // len(table_ids)
                    interviewed += 1
                    if past:
                        outcome = rng.choice(
                            ["second_interview", "immersion", "hire", "not_retained", "no_show"]
                        )
                    else:
                        outcome = "pending"
                    interviews.append(
                        (
                            len(interviews) + 1,
                            slot_times[slot_number],
                            slot_times[slot_number + 1],
                            outcome,
                            "",
                            "",
                            ts(day, "17:00:00") if past else None,
                            territory.coordinator_id if past else None,
                            registration_id,
                            table_id,
                        )
                    )
        self._copy(
            "events_event",
            [
                "id",
                "title",
                "date",
                "starts_at",
                "ends_at",
                "venue",
                "address",
                "capacity",
                "status",
                "description",
                "created_at",
                "created_by_id",
                "territory_id",
            ],
            events,
        )
        self._copy(
            "events_workshop",
            [
                "id",
                "kind",
                "title",
                "starts_at",
                "ends_at",
                "room",
                "capacity",
                "event_id",
                "facilitator_id",
            ],
            workshops,
        )
        self._copy(
            "events_recruitertable",
            [
                "id",
                "label",
                "starts_at",
                "ends_at",
                "slot_minutes",
                "event_id",
                "partner_id",
                "recruiter_id",
                "access_token",
            ],
            tables,
        )
        self._copy(
            "events_eventpartner", ["id", "role", "recruiters", "event_id", "partner_id"], presences
        )
        self._copy(
            "events_registration",
            [
                "id",
                "status",
                "check_in_token",
                "waitlisted_at",
                "confirmed_at",
                "checked_in_at",
                "walk_in",
                "over_capacity_reason",
                "reminders_paused",
                "created_at",
                "updated_at",
                "checked_in_by_id",
                "event_id",
                "invited_by_id",
                "participant_id",
            ],
            registrations,
        )
        self._copy(
            "events_interview",
            [
                "id",
                "starts_at",
                "ends_at",
                "outcome",
                "contract_type",
                "reason",
                "recorded_at",
                "recorded_by_id",
                "registration_id",
                "table_id",
            ],
            interviews,
        )
