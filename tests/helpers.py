from django.urls import reverse


def password_login(client, username, password) -> bool:
    """Log in through the login page, as a person would (django-axes watches it)."""
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session
