"""Isolation samples for billing: orders, invoices, checkout and the staff pages."""

from django_scopes import scopes_disabled

from billing import services
from tests.billing.helpers import bare_order, priced_cohort, scholarship_request
from tests.factories import EnrollmentFactory, OrganizationFactory

from . import no_arguments, sample


def _order(organizer):
    return {"order_id": bare_order(priced_cohort(organizer)).pk}


# A buyer's own order: everyone else (and other organizers' staff) is refused.
sample("billing:order")(_order)
sample("billing:pay")(_order)
sample("billing:staff_order")(_order)


@sample("billing:invoice_pdf")
def _invoice(organizer):
    order = bare_order(priced_cohort(organizer))
    with scopes_disabled():
        return {"invoice_id": services.issue_invoice(order=order).pk}


@sample("billing:checkout")
def _checkout(organizer):
    return {"enrollment_id": EnrollmentFactory(cohort=priced_cohort(organizer)).pk}


@sample("billing:scholarship_decide")
def _scholarship(organizer):
    return {"request_id": scholarship_request(priced_cohort(organizer, scholarship_places=2)).pk}


@sample("billing:group_invoice")
def _group_invoice(organizer):
    cohort = priced_cohort(organizer)
    return {"cohort_id": cohort.pk, "organization_id": OrganizationFactory(organizer=organizer).pk}


for _name in ("staff_home", "scholarships", "bank_import", "export"):
    sample(f"billing:{_name}")(no_arguments)
