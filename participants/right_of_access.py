"""Everything held about one participant, for the right of access (GDPR article 15).

One dictionary feeds both the JSON file and the PDF, so they never disagree.
"""

from django.db import models
from django.utils import timezone

from pacte.models import AccessLog
from pacte.personal_data import holdings
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
    """The value as stored, with choices shown by their label and a related row by its
    name (JSON encodes dates as ISO)."""
    display = getattr(instance, f"get_{name}_display", None)
    if display:
        return display()
    value = getattr(instance, name)
    if name == "wished_sectors":
        return [str(Sector(code).label) for code in value]
    if isinstance(value, models.Model):
        return str(value)
    return value


# Column names for fields whose model gives none of its own.
FIELD_LABELS = {
    "history_date": "version du",
    "done_at": "faite le",
    "meeting": "réunion",
    "decided_at": "décidée le",
    "changed_at": "date",
    "from_status": "ancien statut",
    "to_status": "statut",
    "from_referent": "ancien référent",
    "to_referent": "nouveau référent",
    "event": "Café-métiers",
    "confirmed_at": "confirmée le",
    "checked_in_at": "arrivée le",
    "kind": "type",
    "channel": "canal",
    "recipient": "destinataire",
    "sent_at": "envoyé le",
    "delivered_at": "remis le",
    "table": "table de job-dating",
}


def _label(model, name):
    verbose = str(model._meta.get_field(name).verbose_name)
    if verbose == name.replace("_", " "):
        return FIELD_LABELS.get(name, verbose)
    return verbose


def _rows(queryset, fields):
    relations = [f for f in fields if queryset.model._meta.get_field(f).is_relation]
    if relations:
        queryset = queryset.select_related(*relations)
    return [{_label(queryset.model, f): _value(item, f) for f in fields} for item in queryset]


def collect(participant) -> dict:
    """The file, then every table of the personal data registry that holds something of
    this participant (pacte.personal_data: a model declared there is exported here),
    then who read or changed the file."""
    model = type(participant)
    data = {
        "produit_le": timezone.localtime(),
        "dossier": {_label(model, f): _value(participant, f) for f in FILE_FIELDS},
        "orientation": {
            "structure": participant.referred_by.name,
            "année du programme": participant.programme_year.year,
            "structure référente": participant.structure_in_charge.name,
            "référent": str(participant.referent),
        },
    }
    for holding in holdings():
        if holding.exported:
            data[holding.holds] = _rows(holding.rows_of(participant.pk), holding.exported)
    data["consultations et modifications"] = [
        {
            "date": timezone.localtime(e.at),
            "action": e.get_action_display(),
            "structure": e.user.structure.name if e.user and e.user.structure else "",
        }
        for e in AccessLog.objects.filter(participant_id=participant.pk)
        .select_related("user__structure")
        .order_by("at")
    ]
    return data
