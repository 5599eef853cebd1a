from django.db import models
from django.utils.translation import gettext_lazy as _

from pacte.choices import Sector  # noqa: F401 - re-exported with the other choices


class Status(models.TextChoices):
    REFERRED = "referred", _("Orienté")
    ACTIVE = "active", _("Accompagné")
    SUSPENDED = "suspended", _("Suspendu")
    EXITED = "exited", _("Sorti")


# Which status may follow which: referred → active → exited, suspended and back.
ALLOWED_TRANSITIONS = {
    Status.REFERRED: {Status.ACTIVE, Status.EXITED},
    Status.ACTIVE: {Status.SUSPENDED, Status.EXITED},
    Status.SUSPENDED: {Status.ACTIVE, Status.EXITED},
    Status.EXITED: set(),
}


class PreferredChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    BOTH = "both", _("SMS et e-mail")


class EducationLevel(models.TextChoices):
    NONE = "none", _("Aucun diplôme, sortie avant la fin du collège")
    MIDDLE_SCHOOL = "college", _("Niveau collège, sans diplôme")
    CAP_BEP_UNFINISHED = "cap_unfinished", _("CAP ou BEP non obtenu")
    BAC_UNFINISHED = "bac_unfinished", _("Niveau bac, non obtenu")
    CAP_BEP = "cap", _("CAP ou BEP obtenu")
    BAC = "bac", _("Baccalauréat obtenu")
    HIGHER = "higher", _("Études supérieures")

    @classmethod
    def without_diploma(cls):
        return {cls.NONE, cls.MIDDLE_SCHOOL, cls.CAP_BEP_UNFINISHED, cls.BAC_UNFINISHED}


class EmploymentSituation(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Sans emploi")
    JOB = "job", _("En emploi")
    TRAINING = "training", _("En formation")
    SCHOOL = "school", _("Scolarisé")


class Mobility(models.TextChoices):
    DISTRICT = "district", _("Son quartier")
    CITY = "city", _("Paris et petite couronne")
    REGION = "region", _("Toute l’Île-de-France")


class JusticeKind(models.TextChoices):
    SEMI_LIBERTE = "semi_liberte", _("Semi-liberté")
    PLACEMENT_EXTERIEUR = "placement_exterieur", _("Placement extérieur")
    DDSE = "ddse", _("Détention à domicile sous surveillance électronique")
    LIBERATION_CONDITIONNELLE = "liberation_conditionnelle", _("Libération conditionnelle")
    OTHER = "other", _("Autre mesure")


class FollowUpKind(models.TextChoices):
    INTERVIEW = "interview", _("Entretien")
    PHONE = "phone", _("Appel téléphonique")
    VISIT = "visit", _("Visite")
    WORKSHOP = "workshop", _("Atelier")
    PARTNER_STEP = "partner_step", _("Démarche auprès d’un partenaire")
    MESSAGE = "message", _("Message (SMS, e-mail)")


class PlanActionCategory(models.TextChoices):
    JOB = "job", _("Emploi")
    TRAINING = "training", _("Formation")
    HOUSING = "housing", _("Logement")
    HEALTH = "health", _("Santé")
    MOBILITY = "mobility", _("Mobilité")
    ID_PAPERS = "id_papers", _("Papiers d’identité")
    DRIVING_LICENCE = "driving_licence", _("Permis de conduire")
    COACHING = "coaching", _("Coaching")
    OTHER = "other", _("Autre")


class PlanActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    CANCELLED = "cancelled", _("Abandonnée")


class OutcomeKind(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD_LONG = "cdd_long", _("CDD de 6 mois ou plus")
    CDD_SHORT = "cdd_short", _("CDD de moins de 6 mois")
    TEMPING_LONG = "temping_long", _("Intérim de 6 mois ou plus")
    TEMPING_SHORT = "temping_short", _("Intérim de moins de 6 mois")
    ALTERNANCE = "alternance", _("Apprentissage ou alternance")
    BUSINESS = "business", _("Création d’entreprise")
    TRAINING = "training", _("Formation")
    IMMERSION = "immersion", _("Immersion (PMSMP)")
    EXIT_ABANDONED = "exit_abandoned", _("Sortie : abandon")
    EXIT_MOVED = "exit_moved", _("Sortie : déménagement")
    EXIT_DETENTION = "exit_detention", _("Sortie : retour en détention")
    EXIT_CONTACT_LOST = "exit_contact_lost", _("Sortie : perte de contact")

    @classmethod
    def durable_employment(cls):
        """CDI, CDD or temping of 6 months or more, business creation (the usual French sense)."""
        return {cls.CDI, cls.CDD_LONG, cls.TEMPING_LONG, cls.BUSINESS}

    @classmethod
    def jobs(cls):
        return {
            cls.CDI,
            cls.CDD_LONG,
            cls.CDD_SHORT,
            cls.TEMPING_LONG,
            cls.TEMPING_SHORT,
            cls.ALTERNANCE,
            cls.BUSINESS,
        }

    @classmethod
    def checked(cls):
        """Outcomes whose holding is checked at 3, 6 and 12 months."""
        return cls.jobs() | {cls.TRAINING}

    @classmethod
    def exits(cls):
        return {cls.EXIT_ABANDONED, cls.EXIT_MOVED, cls.EXIT_DETENTION, cls.EXIT_CONTACT_LOST}


class TaskKind(models.TextChoices):
    OUTCOME_CHECK = "outcome_check", _("Vérifier une sortie")
    NO_SHOW_CALL = "no_show_call", _("Rappeler après une absence")
    DECLINE_CALL = "decline_call", _("Rappeler après un désistement")
    SMS_REFUSED = "sms_refused", _("SMS refusés : joindre autrement")
    CELL_DECISION = "cell_decision", _("Décision de la Cellule Emploi")
    MESSAGE_FAILED = "message_failed", _("Message non remis")
    NEXT_CONTACT = "next_contact", _("Prochain contact")
    OTHER = "other", _("Autre")
