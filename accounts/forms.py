from django import forms

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_name", "pronouns", "time_zone", "opted_out_of_optional_messages"]
        labels = {"opted_out_of_optional_messages": "Do not send me reminders, check-ins or feedback requests"}
