"""Billing pages: a person's checkout and order, invoice PDFs, staff pages, the Stripe webhook."""

from __future__ import annotations


from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Cohort, Enrollment, Organization
from core.urls import absolute_url
from organizers.permissions import organizer_view
from organizers.roles import Capability

from . import bank, exports, pdf, selectors, services, stripe_gateway
from .forms import (
    BankImportForm,
    CancelOrderForm,
    CheckoutForm,
    GroupInvoiceForm,
    PaymentForm,
    PeriodForm,
    RefundForm,
    ScholarshipDecisionForm,
)
from .models import ZERO, Invoice, Order, ScholarshipRequest

# ------------------------------------------------------------------ a person's checkout and order


def _held_enrollment(request, enrollment_id: int) -> Enrollment:
    enrollment = (
        Enrollment.objects.filter(pk=enrollment_id, person=request.user)
        .select_related("cohort__program", "organization", "person")
        .first()
    )
    if enrollment is None:
        raise Http404("No such registration.")
    return enrollment


@organizer_view(login=True)
@require_http_methods(["GET", "POST"])
def checkout(request, organizer_slug: str, enrollment_id: int):
    """Choose who pays and how, for a seat held as awaiting payment."""
    enrollment = _held_enrollment(request, enrollment_id)
    existing = enrollment.orders.exclude(status=Order.Status.CANCELLED).first()
    if existing is not None and existing.placed_by_id == request.user.pk:
        return redirect("billing:order", organizer_slug=organizer_slug, order_id=existing.pk)
    if existing is not None:
        messages.info(request, f"Your registration is billed to {existing.billing_name} "
                               f"(order {existing.reference}, {existing.get_status_display().lower()}).")
        return redirect("me:enrollment", enrollment_id=enrollment.pk)
    cohort = enrollment.cohort
    price = selectors.price_of(cohort)
    if price is None or enrollment.status != services.awaiting_payment():
        messages.info(request, "There is nothing to pay for this registration.")
        return redirect("me:enrollment", enrollment_id=enrollment.pk)
    sponsor = enrollment.organization
    # A team is billed together, by whoever of it checks out first (usually its lead).
    enrollments = [enrollment]
    if enrollment.team_id:
        enrollments = list(Enrollment.objects.filter(team_id=enrollment.team_id, status=services.awaiting_payment())
                           .exclude(orders__status__in=[Order.Status.OPEN, Order.Status.PAID])
                           .select_related("person"))
    form = CheckoutForm(
        request.POST if request.method == "POST" else None,
        scholarships=price.offers_scholarships and sponsor is None,
        sponsor_name=sponsor.name if sponsor else "",
        initial={"billing_name": sponsor.name if sponsor else request.user.display_name,
                 "billing_email": request.user.email, "payer": "organization" if sponsor else "me"},
    )
    payer = form.data.get("payer") if form.is_bound else form.initial["payer"]
    payer_org = sponsor if payer == "organization" else None
    code = form.data.get("discount_code", "") if form.is_bound else ""
    try:
        preview = services.quote(cohort=cohort, seats=len(enrollments), sponsor=payer_org, code=code)
    except services.BillingError:  # an unusable code: place_order says why on the form
        preview = services.quote(cohort=cohort, seats=len(enrollments), sponsor=payer_org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.place_order(
                cohort=cohort, placed_by=request.user, enrollments=enrollments,
                sponsor=sponsor if data["payer"] == "organization" else None, method=data["method"],
                billing=services.BillingDetails(
                    name=data["billing_name"], email=data["billing_email"], address=data["billing_address"],
                    tax_id=data["billing_tax_id"], po_reference=data["po_reference"],
                ),
                discount_code=data["discount_code"],
                scholarship_statement=data.get("scholarship_statement", ""),
                scholarship_amount=data.get("scholarship_amount"),
            )
        except services.BillingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if order.method == Order.Method.CARD and selectors.balance(order) > ZERO and not hasattr(
                order, "scholarship_request"
            ):
                return _to_stripe(request, order)
            return redirect("billing:order", organizer_slug=organizer_slug, order_id=order.pk)
    return render(request, "billing/checkout.html", {
        "enrollment": enrollment, "cohort": cohort, "price": price, "form": form, "preview": preview,
        "team": [e.person.display_name for e in enrollments] if enrollment.team_id else [],
        "sponsor": sponsor,
        "partner_price": selectors.partner_price(price, on=timezone.localdate())
        if selectors.is_partner(sponsor, on=timezone.localdate()) else None,
    }, status=400 if form.errors else 200)


def _to_stripe(request, order: Order):
    try:
        url = stripe_gateway.create_checkout(
            order=order, amount=selectors.balance(order),
            success_url=absolute_url(
                reverse("billing:order", kwargs={"organizer_slug": order.organizer.slug, "order_id": order.pk}),
                request=request,
            ) + "?paid=1",
            cancel_url=absolute_url(
                reverse("billing:order", kwargs={"organizer_slug": order.organizer.slug, "order_id": order.pk}),
                request=request,
            ),
        )
    except stripe_gateway.StripeNotConfigured:
        messages.warning(request, "Card payments are not available right now; pay by bank transfer with the "
                                  "reference on your invoice, or try again later.")
        return redirect("billing:order", organizer_slug=order.organizer.slug, order_id=order.pk)
    except Exception:  # Stripe unreachable or refusing: the order stays open, nothing is lost
        messages.error(request, "The card payment could not be started. Please try again in a moment.")
        return redirect("billing:order", organizer_slug=order.organizer.slug, order_id=order.pk)
    return redirect(url)


def _order_for(request, order_id: int) -> Order:
    order = Order.objects.filter(pk=order_id).select_related("cohort__program", "sponsor").first()
    if order is None:
        raise Http404("No such order.")
    if order.placed_by_id == request.user.pk or request.access.can(Capability.MANAGE_BILLING):
        return order
    raise Http404("No such order.")


@organizer_view(login=True)
def order_detail(request, organizer_slug: str, order_id: int):
    order = _order_for(request, order_id)
    if request.GET.get("paid") and order.status == Order.Status.OPEN:
        messages.info(request, "Thank you: your payment is being confirmed; this page updates in a moment.")
    return render(request, "billing/order.html", {
        "order": order, "lines": selectors.order_lines(order), "balance": selectors.balance(order),
        "paid": selectors.paid_total(order), "invoices": list(order.invoices.order_by("issued_at")),
        "payments": list(order.payments.all()), "scholarship": getattr(order, "scholarship_request", None),
        "card_available": stripe_gateway.is_configured(),
        "enrollments": list(order.enrollments.select_related("person")),
    })


@organizer_view(login=True)
@require_POST
def pay(request, organizer_slug: str, order_id: int):
    order = _order_for(request, order_id)
    if order.status != Order.Status.OPEN or selectors.balance(order) <= ZERO:
        messages.info(request, "This order has nothing left to pay.")
        return redirect("billing:order", organizer_slug=organizer_slug, order_id=order.pk)
    pending = getattr(order, "scholarship_request", None)
    if pending is not None and pending.status == ScholarshipRequest.Status.PENDING:
        messages.info(request, "Your scholarship request is still being reviewed; you will hear from us first.")
        return redirect("billing:order", organizer_slug=organizer_slug, order_id=order.pk)
    return _to_stripe(request, order)


@organizer_view(login=True)
def invoice_pdf(request, organizer_slug: str, invoice_id: int):
    invoice = Invoice.objects.filter(pk=invoice_id).select_related("order", "credits").first()
    if invoice is None:
        raise Http404("No such invoice.")
    _order_for(request, invoice.order_id)
    response = HttpResponse(pdf.render(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(invoice)}"'
    return response


# ------------------------------------------------------------------ staff


@organizer_view(capability=Capability.MANAGE_BILLING)
def staff_home(request, organizer_slug: str):
    today = timezone.localdate(timezone.now(), request.organizer.time_zone)
    return render(request, "billing/staff_home.html", {
        "outstanding": selectors.outstanding(request.organizer, today=today),
        "revenue": selectors.revenue_by_cohort(request.organizer),
        "pending_scholarships": ScholarshipRequest.objects.filter(status=ScholarshipRequest.Status.PENDING).count(),
        "period_form": PeriodForm(initial={"start": today.replace(month=1, day=1), "end": today}),
        "currency": request.organizer.currency,
    })


def _staff_order(order_id: int) -> Order:
    order = Order.objects.filter(pk=order_id).select_related("cohort__program", "sponsor", "placed_by").first()
    if order is None:
        raise Http404("No such order.")
    return order


@organizer_view(capability=Capability.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def staff_order(request, organizer_slug: str, order_id: int):
    """Record a payment by hand, refund, or cancel an unpaid order."""
    order = _staff_order(order_id)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "payment": PaymentForm(request.POST if action == "payment" else None),
        "refund": RefundForm(request.POST if action == "refund" else None,
                             initial={"amount": services.refund_due(order=order, today=timezone.localdate())}),
        "cancel": CancelOrderForm(request.POST if action == "cancel" else None),
    }
    form = forms.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "payment":
                services.record_payment(order=order, amount=data["amount"], method=data["method"],
                                        received_on=data["received_on"], note=data["note"], by=request.user)
                done = f"Recorded {order.currency} {data['amount']}."
            elif action == "refund":
                services.refund(order=order, amount=data["amount"], by=request.user, reason=data["reason"])
                done = f"Refunded {order.currency} {data['amount']}; a credit note was issued."
            else:
                services.cancel_order(order=order, by=request.user, reason=data["reason"])
                done = "The order is cancelled."
        except services.BillingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except Exception as error:  # Stripe refusing a refund: said on the page, nothing recorded
            if error.__class__.__module__.startswith("stripe"):
                form.add_error(None, f"Stripe refused the refund: {error}")
            else:
                raise
        else:
            messages.success(request, done)
            return redirect("billing:staff_order", organizer_slug=organizer_slug, order_id=order.pk)
    order = _staff_order(order_id)
    return render(request, "billing/staff_order.html", {
        "order": order, "lines": selectors.order_lines(order), "balance": selectors.balance(order),
        "paid": selectors.paid_total(order), "invoices": list(order.invoices.order_by("issued_at")),
        "payments": list(order.payments.select_related("recorded_by")), "forms": forms,
        "enrollments": list(order.enrollments.select_related("person")),
        "scholarship": getattr(order, "scholarship_request", None),
    }, status=400 if form is not None and form.errors else 200)


@organizer_view(capability=Capability.MANAGE_BILLING)
def scholarships(request, organizer_slug: str):
    requests = ScholarshipRequest.objects.select_related("person", "cohort__program", "order").order_by(
        "status", "created_at"
    )
    return render(request, "billing/scholarships.html", {
        "pending": [r for r in requests if r.status == ScholarshipRequest.Status.PENDING],
        "decided": [r for r in requests if r.status != ScholarshipRequest.Status.PENDING],
    })


@organizer_view(capability=Capability.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def scholarship_decide(request, organizer_slug: str, request_id: int):
    item = ScholarshipRequest.objects.filter(pk=request_id).select_related("person", "cohort__program", "order").first()
    if item is None:
        raise Http404("No such request.")
    form = ScholarshipDecisionForm(request.POST if request.method == "POST" else None,
                                   initial={"amount": item.amount_requested})
    price = selectors.price_of(item.cohort)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        amount = {"approve": item.order.gross, "decline": ZERO}.get(decision, form.cleaned_data["amount"])
        try:
            services.decide_scholarship(request=item, amount=amount, by=request.user)
        except services.BillingError as error:
            form.add_error("amount" if error.field == "amount" else None, error.message)
        else:
            messages.success(request, f"{item.person.display_name} has been told the decision.")
            return redirect("billing:scholarships", organizer_slug=organizer_slug)
    places, spent = selectors.scholarship_use(price) if price else (0, ZERO)
    return render(request, "billing/scholarship_decide.html", {
        "item": item, "form": form, "price": price, "places_used": places, "amount_used": spent,
    }, status=400 if form.errors else 200)


@organizer_view(capability=Capability.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def bank_import(request, organizer_slug: str):
    form = BankImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["statement"]
        try:
            result = bank.import_statement(organizer=request.organizer, filename=upload.name,
                                           content=upload.read(bank.MAX_BYTES + 1), by=request.user)
        except services.BillingError as error:
            form.add_error("statement", error.message)
    return render(request, "billing/bank_import.html", {"form": form, "result": result},
                  status=400 if form.errors else 200)


@organizer_view(capability=Capability.MANAGE_BILLING)
def export(request, organizer_slug: str):
    form = PeriodForm(request.GET or None)
    if not form.is_valid():
        messages.error(request, "Choose a period to export: a start and an end date.")
        return redirect("billing:staff_home", organizer_slug=organizer_slug)
    return exports.invoices_and_payments(request.organizer, start=form.cleaned_data["start"],
                                         end=form.cleaned_data["end"])


@organizer_view(capability=Capability.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def group_invoice(request, organizer_slug: str, cohort_id: int, organization_id: int):
    """One invoice to an organization for several of its people held in a cohort."""
    cohort = Cohort.objects.filter(pk=cohort_id).select_related("program").first()
    organization = Organization.objects.filter(pk=organization_id).first()
    if cohort is None or organization is None:
        raise Http404("No such cohort or organization.")
    held = list(
        Enrollment.objects.filter(cohort=cohort, organization=organization, status=services.awaiting_payment())
        .exclude(orders__status__in=[Order.Status.OPEN, Order.Status.PAID])
        .select_related("person")
    )
    form = GroupInvoiceForm(request.POST if request.method == "POST" else None, enrollments=held,
                            initial={"billing_name": organization.name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [e for e in held if str(e.pk) in data["enrollments"]]
        try:
            with transaction.atomic():
                order = services.place_order(
                    cohort=cohort, placed_by=request.user, enrollments=chosen, sponsor=organization,
                    method=Order.Method.INVOICE,
                    billing=services.BillingDetails(name=data["billing_name"], email=data["billing_email"],
                                                    address=data["billing_address"], tax_id=data["billing_tax_id"],
                                                    po_reference=data["po_reference"]),
                )
        except services.BillingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Invoice sent to {order.billing_email} for {len(chosen)} people.")
            return redirect("billing:staff_order", organizer_slug=organizer_slug, order_id=order.pk)
    return render(request, "billing/group_invoice.html", {
        "cohort": cohort, "organization": organization, "form": form, "held": held,
    }, status=400 if form.errors else 200)


# ------------------------------------------------------------------ Stripe


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        outcome = stripe_gateway.handle_webhook(payload=request.body,
                                                signature=request.headers.get("Stripe-Signature"))
    except stripe_gateway.SignatureRefused:
        return HttpResponse("signature refused", status=400, content_type="text/plain")
    return HttpResponse(outcome, content_type="text/plain")

