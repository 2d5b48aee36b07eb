"""The payment policy billing registers with the enrollment lifecycle.

When a seat would be confirmed in a cohort that is not free, the lifecycle asks
`payment_deadline` how long to hold it as "awaiting payment". A cohort without a
price (or priced at nothing) answers None: the seat is confirmed as before. The
first hold is the short card-checkout hold; choosing an invoice or asking for a
scholarship at checkout extends it (`extend_payment_hold`). A transition listener
cancels (and credits) an open order once every seat it pays for is released.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def payment_deadline(enrollment, now: dt.datetime | None = None) -> dt.datetime | None:
    from .models import CohortPrice, Order

    price = CohortPrice.objects.filter(cohort_id=enrollment.cohort_id).first()
    if price is None or price.is_free:
        return None
    if (price.pricing == CohortPrice.Pricing.PER_TEAM and enrollment.team_id
            and Order.objects.filter(team_id=enrollment.team_id).exclude(status=Order.Status.CANCELLED).exists()):
        # A member who confirms after their team was billed (per team): the team's order covers them.
        return None
    return (now or timezone.now()) + dt.timedelta(hours=price.card_hold_hours)


def register() -> None:
    try:
        from cohorts import lifecycle
    except ImportError:  # the lifecycle module is not there yet: seats are confirmed as before
        return
    from .services import on_enrollment_transition

    lifecycle.set_payment_policy(payment_deadline)
    lifecycle.add_transition_listener(on_enrollment_transition)
