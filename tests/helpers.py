from django.urls import reverse


def password_login(client, username, password) -> bool:
    """Log in through the login page, as a person would (django-axes watches it)."""
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def require_pdf_engine():
    """WeasyPrint needs Pango from the system: skip without it, except in CI."""
    import os

    import pytest

    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        message = f"PDF tests need Pango (apt-get install libpango-1.0-0): {error}"
        if os.environ.get("PACTE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
