"""The one way a view runs a service (#18 item 6): a rule the service refuses
(pacte.exceptions.DomainError) comes back next to its field of the form, or as a message
on the page when there is no form; nothing else is caught."""

from django.contrib import messages

from pacte.exceptions import DomainError


def attempt(action, *, form=None, request=None, success=""):
    """Run `action()`; its result, or None when the service refused.

    With a `form`: the form must be valid first (else None, its errors shown), and a
    refusal becomes an error next to the field it names (or at the top of the form).
    Without one: a refusal becomes an error message on `request`, and `success` (if
    given: a text, or a function of the result giving it) a success message."""
    if form is not None and not form.is_valid():
        return None
    try:
        result = action()
    except DomainError as error:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.error(request, error.message)
        return None
    if form is None and success:
        messages.success(request, success(result) if callable(success) else success)
    return result


def cleaned(form, names) -> dict:
    """The form's cleaned values of these fields, as keyword arguments of a service."""
    return {name: form.cleaned_data[name] for name in names}
