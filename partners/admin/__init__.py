"""The partner section of the admin site: where prefecture staff keep partner records.

Coordinators see and edit their territory's partners only (and their contacts,
offers and commitments); administrators see every territory. An object of
another territory is unknown to a coordinator (the admin's "does not exist"
redirect, a 404 for its history). Every change is kept (django-simple-history)
and readable from the "Historique" button; partners and contacts are imported
and exported in CSV and XLSX (django-import-export) with a preview first.
"""

from partners.admin import contacts, partners  # noqa: F401 - registers the admins
