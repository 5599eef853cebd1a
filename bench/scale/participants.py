"""The young people of the scale dataset: their files, follow-ups and paths.

Justice measures, status changes, plan actions, outcomes and their checks.
"""

import datetime as dt
from array import array

from dateutil.relativedelta import relativedelta

from bench.scale import names
from bench.scale.common import FOLLOW_UPS_PER_PARTICIPANT, YEARS, rng_for, ts
from bench.scale.copy import Table
from participants.eligibility import search_key

# Indexes into bench.scale.dataset.STRUCTURES of the structures that refer young people.
SPIP, PJJ, MISSION_LOCALE = 3, 4, 1


def _postal_code(rng, code):
    if code.startswith("97"):
        return f"{code}{rng.randrange(10, 90)}"
    prefix = "20" if code in {"2A", "2B"} else code
    return f"{prefix}{rng.randrange(0, 1000):03d}"


class ParticipantsPart:
    """Part of the Builder (bench.scale.dataset): needs its plan, territories, seed and anchor."""

    # Participants ----------------------------------------------------------------

    def _follow_up_counts(self, rng):
        n = self.plan.participants
        counts = array("B", (rng.randint(0, 2 * FOLLOW_UPS_PER_PARTICIPANT) for _ in range(n)))
        diff = self.plan.follow_ups - sum(counts)
        while diff:
            i = rng.randrange(n)
            if diff > 0 and counts[i] < 4 * FOLLOW_UPS_PER_PARTICIPANT:
                counts[i] += 1
                diff -= 1
            elif diff < 0 and counts[i] > 0:
                counts[i] -= 1
                diff += 1
        return counts

    def _enrol(self):
        """Ids in enrolment order, as a national installation hands them out: the rows of
        a territory lie scattered in the table, not in one block."""
        rng = rng_for(self.seed, "enrolment")
        people = [
            (rng.randrange(0, 365 * YEARS - 10), territory)
            for territory in self.territories
            for _ in range(territory.size)
        ]
        order = sorted(range(len(people)), key=lambda i: (-people[i][0], i))
        self.enrolled = array("H", bytes(2 * (len(people) + 1)))
        self.territory_of = [None] * (len(people) + 1)
        for rank, index in enumerate(order, start=1):
            days, territory = people[index]
            territory.participant_ids.append(rank)
            self.enrolled[rank] = days
            self.territory_of[rank] = territory
        for territory in self.territories:
            rng.shuffle(territory.participant_ids)

    def build_participants(self):
        self._enrol()
        rng = rng_for(self.seed, "participants")
        n = self.plan.participants
        self.fu_counts = self._follow_up_counts(rng)
        # Follow-ups by day (days before the anchor): written in date order, as they come.
        self.fu_days = [array("I") for _ in range(365 * YEARS)]
        self.referent = array("I", bytes(4 * (n + 1)))
        self.status = {}
        self.leaving_prison = bytearray(n + 1)
        statuses = ["referred"] + ["active"] * 6 + ["suspended"] + ["exited"] * 2
        levels = ["none", "college", "cap_unfinished", "bac_unfinished", "cap"]
        sectors = [["retail"], ["logistics", "retail"], [], ["hospitality"], []]
        table = Table("participants_participant")
        rows = [""] * (n + 1)
        for territory in self.territories:
            for pid in territory.participant_ids:
                first = rng.choice(names.FIRST_NAMES)
                last = rng.choice(names.LAST_NAMES)
                if rng.random() < 0.1:
                    last = f"{last}-{rng.choice(names.LAST_NAMES)}"
                enrolled_off = self.enrolled[pid]
                enrolled_on = self.anchor - dt.timedelta(days=enrolled_off)
                year = max(enrolled_on.year, self.anchor.year - YEARS + 1)
                count = self.fu_counts[pid - 1]
                offsets = [rng.randint(0, enrolled_off) for _ in range(count)]
                for offset in offsets:
                    self.fu_days[offset].append(pid)
                last_follow_up = self.days[min(offsets)] if offsets else None
                status = rng.choice(statuses)
                self.status[pid] = status
                referent, in_charge = rng.choice(territory.counsellors)
                self.referent[pid] = referent
                prison = rng.random() < 0.8
                self.leaving_prison[pid] = prison
                referrer = territory.structure_ids[
                    rng.choice([SPIP, SPIP, SPIP, PJJ, MISSION_LOCALE])
                ]
                birth = enrolled_on - dt.timedelta(days=rng.randrange(16 * 365 + 5, 25 * 365))
                key = search_key(first, last)
                created = ts(enrolled_on, "09:00:00")
                rows[pid] = table.line(
                    {
                        "id": pid,
                        "status": status,
                        "first_name": first,
                        "last_name": last,
                        "search_name": key,
                        "birth_date": birth,
                        "phone": f"+336{rng.randrange(10**7, 10**8)}",
                        "email": f"{key.replace(' ', '.')}@example.org",
                        "preferred_channel": "sms",
                        "address": f"{rng.randrange(1, 150)} {rng.choice(names.STREETS)}",
                        "postal_code": _postal_code(rng, territory.code),
                        "city": territory.name,
                        "lives_in_qpv": rng.random() < 0.7,
                        "legal_rep_name": "",
                        "legal_rep_phone": "",
                        "legal_rep_email": "",
                        "legal_rep_consent_on": None,
                        "education_level": rng.choice(levels),
                        "school_dropout": rng.random() < 0.5,
                        "employment_situation": "unemployed",
                        "leaving_prison": prison,
                        "wished_sectors": rng.choice(sectors),
                        "wished_trades": "",
                        "mobility": "",
                        "imilo_id": "",
                        "france_travail_id": "",
                        "referred_on": enrolled_on - dt.timedelta(days=14),
                        "referrer_name": "",
                        "stand_in_until": None,
                        "consent_on": enrolled_on,
                        "consent_scope": "Suivi renforcé dans le cadre du programme",
                        "enrolled_on": enrolled_on,
                        "eligibility_override_reason": "",
                        "last_follow_up_on": last_follow_up,
                        "created_at": created,
                        "updated_at": created,
                        "referent_id": referent,
                        "referred_by_id": referrer,
                        "stand_in_id": None,
                        "structure_in_charge_id": in_charge,
                        "territory_id": territory.id,
                        "programme_year_id": territory.year_ids[year],
                    }
                )
        self._copy_lines(table, rows[1:])

    def build_follow_ups(self):
        rng = rng_for(self.seed, "follow_ups")
        days, referent = self.days, self.referent
        kinds = ["interview", "interview", "phone", "phone", "visit", "workshop", "message"]
        summaries = names.FOLLOW_UP_SUMMARIES
        steps = names.NEXT_STEPS
        choice = rng.choice

        def rows():
            follow_up_id = 0
            for offset in range(len(self.fu_days) - 1, -1, -1):  # the oldest day first
                day = days[offset]
                for pid in self.fu_days[offset]:
                    follow_up_id += 1
                    yield {
                        "id": follow_up_id,
                        "happened_on": day,
                        "kind": choice(kinds),
                        "summary": choice(summaries),
                        "next_step": choice(steps),
                        "next_contact_on": None,
                        "created_at": f"{day} 10:00:00+00",
                        "author_id": referent[pid],
                        "participant_id": pid,
                    }

        self._copy("participants_followup", rows())
        del self.fu_days

    # The path: justice measures, status changes, plan actions, outcomes, tasks ---------

    def build_path(self):
        rng = rng_for(self.seed, "path")
        justice, changes, actions, outcomes, tasks = [], [], [], [], []
        kinds = ["semi_liberte", "placement_exterieur", "ddse", "liberation_conditionnelle"]
        job_kinds = ["cdi", "cdd_long", "cdd_short", "temping_short", "alternance", "training"]
        exit_kinds = ["exit_abandoned", "exit_moved", "exit_contact_lost"]
        labels = {
            "cdi": "CDI",
            "cdd_long": "CDD de 6 mois ou plus",
            "cdd_short": "CDD de moins de 6 mois",
            "temping_short": "Intérim de moins de 6 mois",
            "alternance": "Apprentissage ou alternance",
            "training": "Formation",
        }
        for pid in range(1, self.plan.participants + 1):  # in enrolment order, like real rows
            territory = self.territory_of[pid]
            referent = self.referent[pid]
            enrolled_on = self.anchor - dt.timedelta(days=self.enrolled[pid])
            status = self.status[pid]
            if self.leaving_prison[pid]:
                ends_on = self.anchor + dt.timedelta(days=rng.randint(-300, 400))
                kind = rng.choice(kinds)
                semi = kind == "semi_liberte"
                justice.append(
                    {
                        "id": len(justice) + 1,
                        "kind": kind,
                        "starts_on": ends_on - dt.timedelta(days=rng.randint(90, 540)),
                        "ends_on": ends_on,
                        "spip_counsellor": "",
                        "out_from": dt.time(8) if semi else None,
                        "out_until": dt.time(19) if semi else None,
                        "notes": "",
                        "updated_at": ts(enrolled_on),
                        "updated_by_id": referent,
                        "participant_id": pid,
                    }
                )
            referred_at = ts(enrolled_on - dt.timedelta(days=14))

            change = {"changed_by_id": referent, "participant_id": pid}
            changes.append(
                change
                | {
                    "id": len(changes) + 1,
                    "from_status": "",
                    "to_status": "referred",
                    "changed_at": referred_at,
                    "reason": "Orientation",
                }
            )
            if status != "referred":
                changes.append(
                    change
                    | {
                        "id": len(changes) + 1,
                        "from_status": "referred",
                        "to_status": "active",
                        "changed_at": ts(enrolled_on),
                        "reason": "Entrée",
                    }
                )
            if status in {"suspended", "exited"}:
                changes.append(
                    change
                    | {
                        "id": len(changes) + 1,
                        "from_status": "active",
                        "to_status": status,
                        "changed_at": ts(self.anchor),
                        "reason": "",
                    }
                )
            for _ in range(2):
                category, description = rng.choice(names.PLAN_ACTIONS)
                partner = rng.choice(territory.partner_ids) if rng.random() < 0.3 else None
                actions.append(
                    {
                        "id": len(actions) + 1,
                        "category": category,
                        "description": description,
                        "status": rng.choice(["planned", "in_progress", "done", "cancelled"]),
                        "due_on": enrolled_on + dt.timedelta(days=rng.randint(10, 200)),
                        "created_at": ts(enrolled_on),
                        "created_by_id": referent,
                        "participant_id": pid,
                        "partner_id": partner,
                    }
                )
            if status == "exited" or (status == "active" and rng.random() < 0.15):
                outcome_id = len(outcomes) + 1
                kind = rng.choice(job_kinds + (exit_kinds if status == "exited" else []))
                starts_on = enrolled_on + dt.timedelta(
                    days=rng.randint(0, max(0, self.enrolled[pid]))
                )
                employer = rng.choice(territory.employer_ids) if rng.random() < 0.4 else None
                outcomes.append(
                    {
                        "id": outcome_id,
                        "kind": kind,
                        "starts_on": starts_on,
                        "employer_name": "" if kind in exit_kinds else "Entreprise du territoire",
                        "created_at": ts(starts_on),
                        "employer_id": employer,
                        "recorded_by_id": referent,
                        "participant_id": pid,
                    }
                )
                if kind in labels:
                    for months in (3, 6, 12):
                        due = starts_on + relativedelta(months=months)
                        done = due < self.anchor - dt.timedelta(days=7)
                        tasks.append(
                            {
                                "id": len(tasks) + 1,
                                "kind": "outcome_check",
                                "title": f"Vérifier à {months} mois : {labels[kind]}",
                                "due_on": due,
                                "done_at": ts(due + dt.timedelta(days=3)) if done else None,
                                "check_months": months,
                                "maintained": (rng.random() < 0.75) if done else None,
                                "created_at": ts(starts_on),
                                "assignee_id": referent,
                                "done_by_id": referent if done else None,
                                "outcome_id": outcome_id,
                                "participant_id": pid,
                            }
                        )
        self._copy("participants_justicemeasure", justice)
        self._copy("participants_statuschange", changes)
        self._copy("participants_planaction", actions)
        self._copy("participants_outcome", outcomes)
        self._copy("participants_task", tasks)
