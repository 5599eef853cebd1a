from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from pacte.models import Structure, User
from pacte.operators import sender_for
from pacte.permissions import assignable_roles


class AccountForm(forms.ModelForm):
    """Create or edit an account of the manager's territory."""

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "structure",
            "role",
            "expires_on",
        ]
        labels = {"username": _("Identifiant de connexion"), "email": _("Adresse e-mail")}
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, manager: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = _("Lettres, chiffres et @ . + - _ uniquement.")
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["email"].required = True
        self.fields["email"].help_text = _("Le lien pour choisir le mot de passe y est envoyé.")
        self.fields["structure"].queryset = Structure.objects.in_territory_of(
            manager
        ).select_related("territory")
        self.fields["structure"].required = True
        self.fields["role"].choices = [("", "---------")] + [
            (role.value, role.label) for role in assignable_roles(manager)
        ]
        self.fields["role"].help_text = _(
            "Coordination et pilotage : une préfecture. Conseiller ou conseillère : une mission "
            "locale, un SPIP, la PJJ, France Travail, un partenaire logement ou une autre "
            "institution. Recruteur ou recruteuse : une entreprise partenaire."
        )
        if self.instance.pk:
            del self.fields["username"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("Cet identifiant est déjà pris : choisissez-en un autre.")
            )
        return username


class AccountPasswordResetForm(PasswordResetForm):
    """Also reaches accounts still waiting for their first password (invited ones)."""

    def get_users(self, email):
        users = User._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if not user.is_expired)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):  # noqa: E501 - Django's signature
        """Sent on behalf of the person's own prefecture, like the invitation."""
        user = context["user"]
        territory = user.structure.territory if user.structure_id else None
        super().send_mail(
            subject_template_name,
            email_template_name,
            {**context, "site_name": settings.SITE_PUBLIC_NAME},
            sender_for(territory),
            to_email,
            html_email_template_name,
        )
