from django import forms

from .models import NOT_APPLICABLE, Action, Area, Item


def rating_choices(version, *, blank: str | None = "Not rated yet") -> list[tuple[str, str]]:
    choices = [("", blank)] if blank is not None else []
    choices += [(str(n), label) for n, label in enumerate(version.levels, start=1)]
    choices.append((str(NOT_APPLICABLE), "Not applicable"))
    return choices


class RatingForm(forms.Form):
    value = forms.TypedChoiceField(label="Your rating", required=False, coerce=int, empty_value=None)
    comment = forms.CharField(label="Your comment", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, version, item, **kwargs):
        super().__init__(*args, prefix=f"r{item.id}", **kwargs)
        self.fields["value"].choices = rating_choices(version)


class ConsensusForm(forms.Form):
    value = forms.TypedChoiceField(label="Agreed rating", coerce=int,
                                   error_messages={"required": "Choose the rating the team agreed on."})
    note = forms.CharField(label="Note on the agreement", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, version, item, **kwargs):
        super().__init__(*args, prefix=f"c{item.id}", **kwargs)
        self.fields["value"].choices = rating_choices(version, blank="Choose…")


class GoalForm(forms.Form):
    title = forms.CharField(label="Goal", max_length=300)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.ModelChoiceField(label="Framework area", queryset=Area.objects.none(), required=False)
    item = forms.ModelChoiceField(label="Low-rated statement", queryset=Item.objects.none(), required=False)

    def __init__(self, *args, areas, low_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["item"].queryset = Item.objects.filter(id__in=[row["item"].id for row in low_items])
        self.fields["item"].label_from_instance = lambda item: f"{item.area.title}: {item.statement[:90]}"


class _OwnerMixin:
    def _owner_field(self, members):
        self.fields["owner"] = forms.TypedChoiceField(
            label="Owner", required=False, coerce=int, empty_value=None,
            choices=[("", "Nobody yet")] + [(str(p.id), p.display_name) for p in members],
        )
        self.members = {p.id: p for p in members}

    def owner(self):
        owner_id = self.cleaned_data.get("owner")
        return self.members.get(owner_id) if owner_id else None


class ActionForm(_OwnerMixin, forms.Form):
    title = forms.CharField(label="Action", max_length=300)
    due_on = forms.DateField(label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self._owner_field(members)


class ActionUpdateForm(_OwnerMixin, forms.Form):
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices)
    due_on = forms.DateField(label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self._owner_field(members)


class ProgressUpdateForm(forms.Form):
    body = forms.CharField(label="Progress update", widget=forms.Textarea(attrs={"rows": 4}))


class SupportRequestForm(forms.Form):
    partner = forms.ChoiceField(label="Planning-team partner")
    message = forms.CharField(label="What support would help", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = {str(p.id): p for p in partners}
        self.fields["partner"].choices = [("", "Choose…")] + [(str(p.id), f"{p.name} — {p.focus_area}")
                                                               for p in partners]


class SupportLogForm(forms.Form):
    given_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="Support given", widget=forms.Textarea(attrs={"rows": 3}))
    close = forms.BooleanField(label="This closes the request", required=False)
