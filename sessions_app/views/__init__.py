"""Pages of the sessions area, by sub-area. Views parse input, check who may act on the object
(outsiders get 404), call a service and render.

One module per sub-area: sessions (and attendance), office_hours, assistance, groups
(affinity groups), reminders (check-ins and the opt-out from optional messages), feeds;
base holds what they share.
"""
