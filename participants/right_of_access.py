"""Everything held about one participant, for the right of access (GDPR article 15).

One dictionary feeds both the JSON file and the PDF, so they never disagree.
"""

from django.utils import timezone

from pacte.models import AccessLog
from participants.models import Sector

FILE_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "email",
    "preferred_channel",
    "address",
    "postal_code",
    "city",
    "lives_in_qpv",
    "legal_rep_name",
    "legal_rep_phone",
    "legal_rep_email",
    "legal_rep_consent_on",
    "education_level",
    "school_dropout",
    "employment_situation",
    "leaving_prison",
    "wished_sectors",
    "wished_trades",
    "mobility",
    "imilo_id",
    "france_travail_id",
    "referred_on",
    "referrer_name",
    "enrolled_on",
    "consent_on",
    "consent_scope",
    "eligibility_override_reason",
    "status",
]


def _value(instance, name):
    """The value as stored, with choices shown by their label (JSON encodes dates as ISO)."""
    display = getattr(instance, f"get_{name}_display", None)
    if display:
        return display()
    value = getattr(instance, name)
    if name == "wished_sectors":
        return [str(Sector(code).label) for code in value]
    return value


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _rows(queryset, fields):
    return [{_label(queryset.model, f): _value(item, f) for f in fields} for item in queryset]


def collect(participant) -> dict:
    model = type(participant)
    return {
        "produit_le": timezone.localtime(),
        "dossier": {_label(model, f): _value(participant, f) for f in FILE_FIELDS},
        "orientation": {
            "structure": participant.referred_by.name,
            "année du programme": participant.programme_year.year,
            "structure référente": participant.structure_in_charge.name,
            "référent": str(participant.referent),
        },
        "mesures de justice": _rows(
            participant.justice_measures.all(),
            ["kind", "starts_on", "ends_on", "spip_counsellor", "out_from", "out_until", "notes"],
        ),
        "suivis": _rows(
            participant.follow_ups.all(),
            ["happened_on", "kind", "summary", "next_step", "next_contact_on"],
        ),
        "actions du parcours": _rows(
            participant.plan_actions.all(), ["category", "description", "status", "due_on"]
        ),
        "sorties": _rows(participant.outcomes.all(), ["kind", "starts_on", "employer_name"]),
        "tâches": _rows(participant.tasks.all(), ["title", "due_on", "maintained"]),
        "décisions de la Cellule Emploi": [
            {"réunion": item.meeting.held_on.isoformat(), "décision": item.decision}
            for item in participant.agenda_items.filter(decided_at__isnull=False)
            .select_related("meeting")
            .order_by("meeting__held_on")
        ],
        "changements de statut": [
            {
                "date": c.changed_at.isoformat(),
                "statut": c.get_to_status_display(),
                "motif": c.reason,
            }
            for c in participant.status_changes.all()
        ],
        "consultations et modifications": [
            {
                "date": e.at.isoformat(),
                "action": e.get_action_display(),
                "structure": e.user.structure.name if e.user and e.user.structure else "",
            }
            for e in AccessLog.objects.filter(participant_id=participant.pk)
            .select_related("user__structure")
            .order_by("at")
        ],
    }
