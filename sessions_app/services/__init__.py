"""Every write of the sessions area, by sub-area: one function owns each state change (save, notify).

One module per sub-area: sessions (scheduling, attendance, notes, follow-ups, feedback,
completion), office_hours, assistance, groups (affinity groups), reminders (reminders,
after-session messages, check-ins, the opt-out from optional messages), feeds (calendar
feeds). Import from the sub-area's module; only the shared error lives here.

Messages go through `notifications.services.notify` inside the transaction that makes
them true; the dedupe keys make a retried task or a second sweep harmless.
"""


class SessionsError(Exception):
    """A request that cannot be done; the message is shown to the person as is."""
