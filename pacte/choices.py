"""Choices shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """Trades: a young person's wishes and a partner's sector, matched at the job-dating."""

    RETAIL = "retail", _("Commerce et grande distribution")
    LOGISTICS = "logistics", _("Logistique et transport")
    HOSPITALITY = "hospitality", _("Hôtellerie et restauration")
    CONSTRUCTION = "construction", _("Bâtiment et travaux publics")
    CLEANING = "cleaning", _("Propreté")
    SECURITY = "security", _("Sécurité")
    SERVICES = "services", _("Services à la personne")
    PUBLIC = "public", _("Service public")
    OTHER = "other", _("Autre")
