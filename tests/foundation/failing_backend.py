from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down: a real failure path, not a mock of Praxis code."""

    def send_messages(self, messages):
        raise ConnectionError("SMTP is down")
