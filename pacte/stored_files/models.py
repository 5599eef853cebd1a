from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """One file of pacte.stored_files.storage.DatabaseStorage: its name and its bytes.

    Nothing here is served under a URL: a view that checks who asks hands a file out."""

    name = models.CharField(_("nom"), max_length=255, unique=True)
    content = models.BinaryField(_("contenu"))
    size = models.PositiveBigIntegerField(_("taille"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("fichier conservé")
        verbose_name_plural = _("fichiers conservés")

    def __str__(self):
        return self.name
