"""The participants app's part of the personal data registry (pacte.personal_data)."""

from pacte.personal_data import JUSTICE, Holding, declare

# What an anonymised file keeps: statistics only (birth year, QPV, path, outcomes).
CLEARED_FILE_FIELDS = {
    "first_name": "Anonyme",
    "last_name": "",
    "search_name": "",
    "phone": "",
    "email": "",
    "address": "",
    "postal_code": "",
    "city": "",
    "legal_rep_name": "",
    "legal_rep_phone": "",
    "legal_rep_email": "",
    "wished_trades": "",
    "imilo_id": "",
    "france_travail_id": "",
    "referrer_name": "",
    "consent_scope": "",
    "eligibility_override_reason": "",
}
FOLLOW_UP_CLEARED = {"summary": "", "next_step": ""}
FOLLOW_UP_EXPORTED = ("happened_on", "kind", "summary", "next_step", "next_contact_on")
JUSTICE_EXPORTED = ("kind", "starts_on", "ends_on", "spip_counsellor", "out_from", "out_until")
OUTCOME_EXPORTED = ("kind", "starts_on", "employer_name")


def declare_participants_data():
    declare(
        *_file_holdings(),
        *_justice_holdings(),
        *_path_holdings(),
        *_task_holdings(),
        *_cell_holdings(),
        *_change_holdings(),
    )


def _file_holdings() -> tuple[Holding, ...]:
    """The file itself: its fields are the export's « dossier » (right_of_access)."""
    return (
        Holding(
            "participants.Participant",
            "id",
            "le dossier : identité, coordonnées, situation, orientation, consentement",
            cleared=CLEARED_FILE_FIELDS,
        ),
        Holding(
            "participants.HistoricalParticipant",
            "id",
            "les versions successives du dossier",
            cleared=CLEARED_FILE_FIELDS,
            exported=("history_date", "first_name", "last_name", "phone", "email", "status"),
            order_by=("history_date", "history_id"),
        ),
    )


def _justice_holdings() -> tuple[Holding, ...]:
    return (
        Holding(
            "participants.JusticeMeasure",
            "participant",
            "mesures de justice",
            retention=JUSTICE,
            deleted=True,
            exported=(*JUSTICE_EXPORTED, "notes"),
        ),
        Holding(
            "participants.HistoricalJusticeMeasure",
            "participant",
            "versions des mesures de justice",
            retention=JUSTICE,
            deleted=True,
            exported=("history_date", *JUSTICE_EXPORTED),
            order_by=("history_date", "history_id"),
        ),
    )


def _path_holdings() -> tuple[Holding, ...]:
    """The follow-up: contacts, plan actions and outcomes."""
    return (
        Holding(
            "participants.FollowUp",
            "participant",
            "suivis",
            cleared=FOLLOW_UP_CLEARED,
            exported=FOLLOW_UP_EXPORTED,
            order_by=("happened_on", "pk"),
        ),
        Holding(
            "participants.HistoricalFollowUp",
            "participant",
            "versions des suivis",
            cleared=FOLLOW_UP_CLEARED,
            exported=("history_date", *FOLLOW_UP_EXPORTED),
            order_by=("history_date", "history_id"),
        ),
        Holding(
            "participants.PlanAction",
            "participant",
            "actions du parcours",
            cleared={"description": ""},
            exported=("category", "description", "status", "due_on"),
        ),
        Holding(
            "participants.Outcome",
            "participant",
            "sorties",
            exported=OUTCOME_EXPORTED,
            order_by=("starts_on", "pk"),
        ),
        Holding(
            "participants.HistoricalOutcome",
            "participant",
            "versions des sorties",
            cleared={"employer_name": ""},
            exported=("history_date", *OUTCOME_EXPORTED),
            order_by=("history_date", "history_id"),
        ),
    )


def _task_holdings() -> tuple[Holding, ...]:
    # A task's title names the young person (« Prochain contact avec Inès »).
    return (
        Holding(
            "participants.Task",
            "participant",
            "tâches",
            cleared={"title": "Tâche"},
            exported=("title", "due_on", "done_at", "maintained"),
            order_by=("due_on", "pk"),
        ),
        # Their refusal of SMS (#19): gone with the file's anonymisation, as the number.
        Holding(
            "participants.SmsOptOut",
            "participant",
            "refus des SMS",
            deleted=True,
            exported=("phone", "source", "at"),
            order_by=("at", "pk"),
        ),
    )


def _cell_holdings() -> tuple[Holding, ...]:
    """The Cellule Emploi's decisions."""
    return (
        Holding(
            "participants.AgendaItem",
            "participant",
            "décisions de la Cellule Emploi",
            cleared={"decision": ""},
            exported=("meeting", "decision", "decided_at"),
        ),
    )


def _change_holdings() -> tuple[Holding, ...]:
    """The history of status and referent changes."""
    return (
        Holding(
            "participants.StatusChange",
            "participant",
            "changements de statut",
            cleared={"reason": ""},
            exported=("changed_at", "from_status", "to_status", "reason"),
            order_by=("changed_at", "pk"),
        ),
        Holding(
            "participants.ReferentChange",
            "participant",
            "changements de référent",
            cleared={"reason": ""},
            exported=("changed_at", "from_referent", "to_referent", "reason"),
            order_by=("changed_at", "pk"),
        ),
    )
