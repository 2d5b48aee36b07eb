from django import forms

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_name", "pronouns", "time_zone", "opted_out_of_optional_messages"]
        labels = {"opted_out_of_optional_messages": "Do not send me reminders, check-ins or feedback requests"}


class SignupNameForm(forms.Form):
    """Added to allauth's sign-up form: the name people are addressed by."""

    full_name = forms.CharField(label="Your name", max_length=200, help_text="As you would like it on rosters and certificates.")
    preferred_name = forms.CharField(label="What should we call you? (optional)", max_length=100, required=False)
    pronouns = forms.CharField(label="Pronouns (optional)", max_length=50, required=False,
                               help_text="e.g. she/her, they/them; shown next to your name.")

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        user.preferred_name = self.cleaned_data["preferred_name"].strip()
        user.pronouns = self.cleaned_data["pronouns"].strip()
        user.save(update_fields=["full_name", "preferred_name", "pronouns"])
