"""Billing forms: they parse what people typed; the rules live in services."""

import datetime as dt

from django import forms

from .models import ZERO, Order, Payment


class CheckoutForm(forms.Form):
    PAYER_CHOICES = [("me", "I pay myself"), ("organization", "My organization pays (sponsor)")]

    payer = forms.ChoiceField(label="Who pays", choices=PAYER_CHOICES, widget=forms.RadioSelect, initial="me")
    method = forms.ChoiceField(
        label="How", choices=Order.Method.choices, widget=forms.RadioSelect, initial=Order.Method.CARD
    )
    billing_name = forms.CharField(label="Name on the invoice", max_length=200,
                                   help_text="Your name, or your organization's when it pays.")
    billing_email = forms.EmailField(label="Email for the invoice")
    billing_address = forms.CharField(label="Invoice address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    billing_tax_id = forms.CharField(label="Tax id (VAT or EIN)", max_length=60, required=False)
    po_reference = forms.CharField(label="Purchase-order reference", max_length=100, required=False)
    discount_code = forms.CharField(label="Discount code", max_length=40, required=False)
    scholarship_statement = forms.CharField(
        label="Scholarship request: why you are asking", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only if you are not employed or sponsored by an organization. Leave empty to pay the price.",
    )
    scholarship_amount = forms.DecimalField(
        label="Scholarship amount you ask for", required=False, min_value=ZERO, decimal_places=2, max_digits=12,
        help_text="Empty: the full price.",
    )

    def __init__(self, *args, scholarships: bool, sponsor_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        if not scholarships:
            del self.fields["scholarship_statement"], self.fields["scholarship_amount"]
        if not sponsor_name:
            self.fields["payer"].choices = self.PAYER_CHOICES[:1]
        else:
            self.fields["payer"].choices = [("me", "I pay myself"), ("organization", f"{sponsor_name} pays (sponsor)")]

    def clean(self):
        data = super().clean()
        if data.get("payer") == "organization" and data.get("scholarship_statement", "").strip():
            self.add_error("scholarship_statement",
                           "Scholarships are for people who are not employed or sponsored by an organization.")
        return data


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label="Amount received", decimal_places=2, max_digits=12)
    method = forms.ChoiceField(label="Method", choices=[c for c in Payment.Method.choices if c[0] != "card"])
    received_on = forms.DateField(label="Received on", widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=dt.date.today)
    note = forms.CharField(label="Note", max_length=300, required=False)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label="Amount to refund", decimal_places=2, max_digits=12, min_value=ZERO)
    reason = forms.CharField(label="Reason (printed on the credit note)", max_length=200)


class CancelOrderForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=200)


class ScholarshipDecisionForm(forms.Form):
    DECISIONS = [("approve", "Approve in full"), ("partly", "Approve part of it"), ("decline", "Decline")]

    decision = forms.ChoiceField(label="Decision", choices=DECISIONS, widget=forms.RadioSelect)
    amount = forms.DecimalField(label="Amount granted (for a partial approval)", required=False, decimal_places=2,
                                max_digits=12, min_value=ZERO)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "partly" and not data.get("amount"):
            self.add_error("amount", "Say how much you grant.")
        return data


class BankImportForm(forms.Form):
    statement = forms.FileField(label="Bank statement (CSV)",
                                help_text="Columns: date, amount and a reference or description.")


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The period cannot end before it starts.")
        return data


class GroupInvoiceForm(forms.Form):
    billing_name = forms.CharField(label="Organization name on the invoice", max_length=200)
    billing_email = forms.EmailField(label="Email for the invoice")
    billing_address = forms.CharField(label="Invoice address", widget=forms.Textarea(attrs={"rows": 3}))
    billing_tax_id = forms.CharField(label="Tax id", max_length=60, required=False)
    po_reference = forms.CharField(label="Purchase-order reference", max_length=100, required=False)

    def __init__(self, *args, enrollments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollments"] = forms.MultipleChoiceField(
            label="Registrations this invoice covers", widget=forms.CheckboxSelectMultiple,
            choices=[(str(e.pk), f"{e.person.display_name} ({e.person.email})") for e in enrollments],
        )
