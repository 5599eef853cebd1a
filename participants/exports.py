"""The participants list as a spreadsheet: what the user sees, justice only where allowed."""

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery
from django.utils.translation import gettext as _

from pacte.phones import format_phone
from pacte.roles import Role
from participants.models import JusticeKind, JusticeMeasure, Status
from participants.querysets import justice_visible_q

BASE_HEADERS = [
    _("Nom"),
    _("Prénom"),
    _("Date de naissance"),
    _("Téléphone"),
    _("E-mail"),
    _("Statut"),
    _("Année"),
    _("Entrée le"),
    _("Orienté par"),
    _("Structure référente"),
    _("Référent ou référente"),
    _("QPV"),
    _("Dernier suivi"),
]
JUSTICE_HEADERS = [_("Mesure de justice"), _("Fin de la mesure")]
# Rows read per query. Not a server-side cursor (.iterator()): a pooler in transaction
# mode (pgbouncer) breaks those.
CHUNK_SIZE = 2000


def shows_justice_columns(user) -> bool:
    return user.role in {Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR}


def export_table(user, queryset):
    """Headers and a row iterator, for a queryset already scoped and filtered."""
    with_justice = shows_justice_columns(user)
    ordered = queryset
    queryset = queryset.order_by().select_related(
        "referred_by", "structure_in_charge", "referent", "programme_year"
    )
    if with_justice:
        latest = JusticeMeasure.objects.filter(participant=OuterRef("pk")).order_by(
            "-ends_on", "-pk"
        )
        queryset = queryset.annotate(
            justice_kind=Subquery(latest.values("kind")[:1]),
            justice_ends_on=Subquery(latest.values("ends_on")[:1]),
            justice_readable=ExpressionWrapper(
                justice_visible_q(user), output_field=BooleanField()
            ),
        )
    headers = BASE_HEADERS + (JUSTICE_HEADERS if with_justice else [])

    def rows():
        for p in _in_chunks(ordered, queryset):
            row = [
                p.last_name,
                p.first_name,
                p.birth_date,
                format_phone(p.phone),
                p.email,
                Status(p.status).label,
                p.programme_year.year,
                p.enrolled_on,
                p.referred_by.name,
                p.structure_in_charge.name,
                str(p.referent),
                p.lives_in_qpv,
                p.last_follow_up_on,
            ]
            if with_justice:
                if p.justice_readable and p.justice_kind:
                    row += [JusticeKind(p.justice_kind).label, p.justice_ends_on]
                else:
                    row += [None, None]
            yield row

    return headers, rows()


def _in_chunks(ordered, rows):
    """The rows of `ordered`, in its order, CHUNK_SIZE at a time by primary key: its ids
    first (one query, a few megabytes at national scale), then each chunk's rows read
    from `rows` (the same queryset with its relations and columns) by those ids."""
    ids = list(ordered.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        found = {p.pk: p for p in rows.filter(pk__in=chunk)}
        # A row deleted since its id was read is left out, as a cursor would have.
        yield from (found[pk] for pk in chunk if pk in found)
