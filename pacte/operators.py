"""Who speaks: the prefecture of the user's (or the event's) territory, in the header, the
footer, the PDFs and as the e-mails' sender name. The sending address stays the configured
one (DEFAULT_FROM_EMAIL); only its display name follows the territory."""

from email.utils import parseaddr

from django.conf import settings

SENDER_NAME = "Café-métiers — {prefecture}"


def operator_of(territory) -> str:
    return territory.prefecture_name if territory is not None else settings.SITE_OPERATOR


def operator_for(user) -> str:
    """The user's own prefecture (their structure and territory come with them: no query)."""
    structure = (
        getattr(user, "structure", None) if getattr(user, "is_authenticated", False) else None
    )
    return operator_of(structure.territory if structure is not None else None)


def sender_for(territory) -> str:
    """The From of a message on this territory's behalf: its prefecture's name, our address."""
    if territory is None:
        return settings.DEFAULT_FROM_EMAIL
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = SENDER_NAME.format(prefecture=territory.prefecture_name)
    # Quoted (a prefecture's name may hold a comma); Django encodes it when it sends.
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{address}>'
