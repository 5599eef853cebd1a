"""Writes on accounts. Each function is atomic and checks the rules itself."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from pacte import audit
from pacte.exceptions import DomainError
from pacte.models import Structure, User, role_fits_structure, role_misfit_message
from pacte.operators import sender_for
from pacte.permissions import assignable_roles


def _check_assignment(*, by: User, structure: Structure, role: str) -> None:
    if role not in assignable_roles(by):
        raise DomainError(_("Vous ne pouvez pas attribuer ce rôle."), field="role")
    if not role_fits_structure(role, structure.kind):
        raise DomainError(role_misfit_message(role, structure.kind), field="role")
    if not Structure.objects.in_territory_of(by).filter(pk=structure.pk).exists():
        raise DomainError(
            _("Cette structure n'appartient pas à votre territoire."), field="structure"
        )


@transaction.atomic
def account_create(
    *,
    by: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    structure: Structure,
    role: str,
    phone: str = "",
    expires_on=None,
) -> User:
    _check_assignment(by=by, structure=structure, role=role)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("Cet identifiant est déjà pris."), field="username")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        structure=structure,
        role=role,
        phone=phone,
        expires_on=expires_on,
    )
    # The person chooses their password through the link sent to them.
    user.set_unusable_password()
    user.save()
    audit.log_write(user=by, obj=user, created=True)
    return user


@transaction.atomic
def account_update(
    *,
    by: User,
    account: User,
    first_name: str,
    last_name: str,
    email: str,
    structure: Structure,
    role: str,
    phone: str = "",
    expires_on=None,
) -> User:
    if account == by and role != by.role:
        raise DomainError(_("Vous ne pouvez pas changer votre propre rôle."), field="role")
    _check_assignment(by=by, structure=structure, role=role)
    account.first_name = first_name
    account.last_name = last_name
    account.email = email
    account.structure = structure
    account.role = role
    account.phone = phone
    account.expires_on = expires_on
    # Only the form's fields: a deactivation saved meanwhile is not undone by an edit.
    fields = ["first_name", "last_name", "email", "structure", "role", "phone", "expires_on"]
    account.save(update_fields=fields)
    audit.log_write(user=by, obj=account)
    return account


@transaction.atomic
def account_set_active(*, by: User, account: User, active: bool) -> User:
    if account == by and not active:
        raise DomainError(_("Vous ne pouvez pas désactiver votre propre compte."))
    account.is_active = active
    account.save(update_fields=["is_active"])
    audit.log_write(user=by, obj=account)
    return account


def account_send_invitation(*, account: User, base_url: str) -> None:
    """E-mail the new account a link to choose its password (Django's reset token)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": default_token_generator.make_token(account),
        },
    )
    # Recruiters get this mail too: it names the Café-métiers, never the programme.
    context = {
        "account": account,
        "link": base_url.rstrip("/") + path,
        "site_name": settings.SITE_PUBLIC_NAME,
    }
    send_mail(
        subject=_("Votre accès au service %(site)s") % {"site": settings.SITE_PUBLIC_NAME},
        message=render_to_string("accounts/invitation_email.txt", context),
        from_email=sender_for(account.structure.territory if account.structure_id else None),
        recipient_list=[account.email],
    )
