"""Registration forms: they parse what a person typed; the rules live in services."""

from django import forms

from .models import Cohort, Program
from .selectors import WHEN_CHOICES
from .services import TeamMember

# Rows for other members when the cohort sets no largest team size.
TEAM_MEMBER_ROWS = 4


class CatalogFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *Program.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    when = forms.ChoiceField(
        label="When", required=False, choices=[("", "Any time"), *WHEN_CHOICES.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=200,
                                help_text="How staff, facilitators and other participants will know you.")
    pronouns = forms.CharField(label="Pronouns (optional)", max_length=50, required=False)
    organization_name = forms.CharField(
        label="Your organization",
        max_length=200,
        required=False,
        help_text="Where you work or volunteer. Leave empty if you are not employed or sponsored by an organization.",
    )
    title = forms.CharField(label="Your title or role", max_length=200, required=False)

    def __init__(self, *args, cohort: Cohort, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:
            # Asked of everyone; required until the account has a name.
            self.fields["full_name"].required = not person.full_name
            self.fields["full_name"].initial = person.full_name
            self.fields["pronouns"].initial = person.pronouns
        if cohort.per_organization_limit:
            field = self.fields["organization_name"]
            field.required = True
            field.help_text = (
                f"At most {cohort.per_organization_limit} participant(s) per organization may register."
            )


class TeamRegistrationForm(forms.Form):
    organization_name = forms.CharField(label="Organization", max_length=200)
    team_name = forms.CharField(
        label="Team name", max_length=200, required=False, help_text='Optional, e.g. "Arizona state team".'
    )
    lead_title = forms.CharField(label="Your title", max_length=200, required=False)
    lead_is_executive_director = forms.BooleanField(label="I am the executive director", required=False)

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        rows = cohort.team_size_max - 1 if cohort.team_size_max else TEAM_MEMBER_ROWS
        for n in range(1, rows + 1):
            self.fields[f"member_{n}_name"] = forms.CharField(
                label=f"Member {n}: name", max_length=200, required=False
            )
            self.fields[f"member_{n}_email"] = forms.EmailField(
                label=f"Member {n}: email", required=False,
                help_text="We email them a link to confirm their place; their seat is held for the team meanwhile."
                if n == 1 else "",
            )
            self.fields[f"member_{n}_title"] = forms.CharField(
                label=f"Member {n}: title", max_length=200, required=False
            )
            self.fields[f"member_{n}_is_executive_director"] = forms.BooleanField(
                label=f"Member {n} is the executive director", required=False
            )
        self.member_rows = rows

    def clean(self):
        data = super().clean()
        for n in range(1, self.member_rows + 1):
            if data.get(f"member_{n}_email") and not (data.get(f"member_{n}_name") or "").strip():
                self.add_error(f"member_{n}_name", "Give this member's name as well as their email.")
            elif (data.get(f"member_{n}_name") or "").strip() and not data.get(f"member_{n}_email") \
                    and f"member_{n}_email" not in self.errors:
                self.add_error(f"member_{n}_email", "Give this member's email: it is where their link goes.")
        return data

    def members(self) -> list[TeamMember]:
        data = self.cleaned_data
        return [
            TeamMember(
                email=data[f"member_{n}_email"],
                name=data[f"member_{n}_name"],
                title=data[f"member_{n}_title"],
                is_executive_director=data[f"member_{n}_is_executive_director"],
            )
            for n in range(1, self.member_rows + 1)
            if data.get(f"member_{n}_email")
        ]

    def member_fieldsets(self):
        """(legend, [bound fields]) per member row, for the template."""
        return [
            (f"Member {n}", [self[f"member_{n}_{part}"] for part in ("name", "email", "title", "is_executive_director")])
            for n in range(1, self.member_rows + 1)
        ]

    def lead_fields(self):
        return [self[name] for name in ("organization_name", "team_name", "lead_title", "lead_is_executive_director")]


class ModuleDelegatesForm(forms.Form):
    """One email per module: who attends it for the organization (rotation)."""

    def __init__(self, *args, modules, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = modules
        for module in modules:
            label = f"{module.period} — {module.title}" if module.period else module.title
            self.fields[f"module_{module.pk}"] = forms.EmailField(
                label=label, required=False, initial=current.get(module.pk, ""),
                help_text="Email of the colleague's Praxis account. Empty: you attend.",
            )

    def choices(self) -> list[tuple[object, str]]:
        return [(m, self.cleaned_data.get(f"module_{m.pk}", "")) for m in self.modules]


class TeamInvitationAnswerForm(forms.Form):
    """A named member's answer on their signed link's page."""

    full_name = forms.CharField(label="Your name", max_length=200,
                                help_text="How staff, facilitators and your team will know you.")
