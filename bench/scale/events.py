"""The Café-métiers of the scale dataset: events, workshops, tables, registrations, interviews."""

import datetime as dt

from bench.scale.common import (
    REGISTRATIONS_PER_EVENT,
    SLOTS_PER_TABLE,
    TABLES_PER_EVENT,
    rng_for,
    ts,
)


class EventsPart:
    """Part of the Builder (bench.scale.dataset): needs its territories, seed and anchor."""

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
                    {
                        "id": event_id,
                        "title": "Café-métiers",
                        "date": day,
                        "starts_at": dt.time(14),
                        "ends_at": dt.time(18),
                        "venue": f"Préfecture — {territory.name}",
                        "address": f"1 place de la Préfecture, {territory.name}",
                        "capacity": 65,
                        "status": "done" if past else "open",
                        "description": "",
                        "created_at": ts(day - dt.timedelta(days=40)),
                        "created_by_id": territory.coordinator_id,
                        "territory_id": territory.id,
                    }
                )
                for kind, start, end in workshop_plan:
                    workshops.append(
                        {
                            "id": len(workshops) + 1,
                            "kind": kind,
                            "title": "",
                            "starts_at": start,
                            "ends_at": end,
                            "room": "",
                            "capacity": 25,
                            "event_id": event_id,
                            "facilitator_id": None,
                        }
                    )
                table_ids = []
                employers = territory.employer_ids
                for partner_id in rng.sample(employers, min(TABLES_PER_EVENT, len(employers))):
                    table_ids.append(len(tables) + 1)
                    tables.append(
                        {
                            "id": len(tables) + 1,
                            "label": "",
                            "starts_at": slot_times[0],
                            "ends_at": (
                                slot_times[SLOTS_PER_TABLE] if SLOTS_PER_TABLE else dt.time(16)
                            ),
                            "slot_minutes": 15,
                            "event_id": event_id,
                            "partner_id": partner_id,
                            "recruiter_id": None,
                            "access_token": f"{rng.getrandbits(256):064x}",
                        }
                    )
                    presences.append(
                        {
                            "id": len(presences) + 1,
                            "role": "job_dating",
                            "recruiters": 1,
                            "event_id": event_id,
                            "partner_id": partner_id,
                        }
                    )
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
                        {
                            "id": registration_id,
                            "status": status,
                            "check_in_token": f"{rng.getrandbits(256):064x}",
                            "personal_token": f"{rng.getrandbits(128):032x}",
                            "waitlisted_at": None,
                            "confirmed_at": ts(day - dt.timedelta(days=10))
                            if status in {"confirmed", "present"}
                            else None,
                            "checked_in_at": ts(day, "14:05:00") if present else None,
                            "walk_in": False,
                            "over_capacity_reason": "",
                            "reminders_paused": False,
                            "created_at": ts(day - dt.timedelta(days=20)),
                            "updated_at": ts(day - dt.timedelta(days=20)),
                            "checked_in_by_id": territory.coordinator_id if present else None,
                            "event_id": event_id,
                            "invited_by_id": territory.coordinator_id,
                            "participant_id": pid,
                        }
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
                        {
                            "id": len(interviews) + 1,
                            "starts_at": slot_times[slot_number],
                            "ends_at": slot_times[slot_number + 1],
                            "outcome": outcome,
                            "contract_type": "",
                            "reason": "",
                            "recorded_at": ts(day, "17:00:00") if past else None,
                            "recorded_by_id": territory.coordinator_id if past else None,
                            "registration_id": registration_id,
                            "table_id": table_id,
                        }
                    )
        self._copy("events_event", events)
        self._copy("events_workshop", workshops)
        self._copy("events_recruitertable", tables)
        self._copy("events_eventpartner", presences)
        self._copy("events_registration", registrations)
        self._copy("events_interview", interviews)
