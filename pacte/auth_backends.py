from django.contrib.auth.backends import ModelBackend

from pacte.models import User


class AccountBackend(ModelBackend):
    """Password login that also refuses, at login and on every request, expired accounts and
    accounts whose role does not fit their structure (a coordinator at a company, say)."""

    def user_can_authenticate(self, user):
        return (
            super().user_can_authenticate(user) and not user.is_expired and user.role_fits_structure
        )

    def get_user(self, user_id):
        # Every page shows the user's structure: fetch it with the user, once.
        try:
            user = User._default_manager.select_related("structure__territory").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
