class DomainError(Exception):
    """A rule of the programme refused a change; the message is for the user, in French."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
