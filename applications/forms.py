"""Forms: the per-call application form, the review form, staff controls.

Forms only parse and check input; services decide and write.
"""

from django import forms

from cohorts.models import Affiliation, Organization

from .models import PREFER_NOT_TO_SAY, AccommodationRequest, Application, ApplicationCall, Question, Review, SelectionRun

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def question_field(question: Question) -> forms.Field:
    common = {"label": question.label, "help_text": question.help_text, "required": question.required}
    kind = question.kind
    choices = [(c, c) for c in question.choice_list]
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=10000, **common)
    if kind == Question.Kind.SINGLE_CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == Question.Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == Question.Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect, **common
        )
    if kind == Question.Kind.NUMBER:
        return forms.DecimalField(max_digits=12, decimal_places=2, **common)
    if kind == Question.Kind.DATE:
        return forms.DateField(widget=DATE_INPUT, **common)
    return forms.CharField(max_length=500, **common)


class ApplicationForm(forms.Form):
    """Built from the call: its own questions plus the standard sections it switches on.

    `for_submission=False` (saving a draft) checks types and lengths but not
    whether required questions are answered.
    """

    def __init__(self, *args, call: ApplicationCall, for_submission: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.for_submission = for_submission
        self.sections: list[tuple[str, str, list[str]]] = []  # (id, heading, field names)
        names = []
        for question in call.questions.all():
            name = f"q_{question.pk}"
            self.fields[name] = question_field(question)
            names.append(name)
        if names:
            self.sections.append(("questions", "Your application", names))
        if call.ask_contact:
            self.fields["phone"] = forms.CharField(label="Phone (optional)", max_length=50, required=False)
            self.fields["organization"] = forms.ModelChoiceField(
                queryset=Organization.objects.filter(organizer_id=call.organizer_id), required=False,
                label="Organization", help_text="Choose your organization, or type its name below.",
            )
            self.fields["other_organization"] = forms.CharField(
                label="Organization not listed", max_length=200, required=False,
            )
            self.sections.append(("contact", "Contact and organization", ["phone", "organization", "other_organization"]))
        if call.ask_role:
            self.fields["title"] = forms.CharField(label="Role or title", max_length=200, required=True)
            self.fields["is_leader"] = forms.BooleanField(
                label="I hold a leadership role (director, manager, chair)", required=False
            )
            self.fields["leadership_description"] = forms.CharField(
                label="Your leadership responsibilities", widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000, required=False,
            )
            self.sections.append(("role", "Role and leadership", ["title", "is_leader", "leadership_description"]))
        if call.ask_team:
            self._add_team_fields()
        if call.ask_demographics:
            self._add_demographic_fields()
        if call.ask_accommodations:
            self.fields["accommodation_needs"] = forms.CharField(
                label="Accessibility or accommodation needs (optional)", required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Tell us what would help you take part; staff will confirm what they arrange.",
            )
            self.sections.append(("accommodations", "Accessibility and accommodations", ["accommodation_needs"]))
        if call.ask_scholarship:
            self.fields["scholarship_requested"] = forms.BooleanField(label="I would like to request a scholarship", required=False)
            self.fields["scholarship_note"] = forms.CharField(
                label="Scholarship note (optional)", required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.sections.append(("scholarship", "Scholarship", ["scholarship_requested", "scholarship_note"]))
        if not for_submission:
            for field in self.fields.values():
                field.required = False

    def team_slots(self) -> int:
        cohort = self.call.cohort
        return max((cohort.team_size_max or 3) - 1, 1)

    def _add_team_fields(self) -> None:
        names = ["team_name", "is_executive_director"]
        self.fields["team_name"] = forms.CharField(label="Team name", max_length=200, required=False,
                                                   help_text='e.g. "Arizona state team"')
        self.fields["is_executive_director"] = forms.BooleanField(label="I am the executive director", required=False)
        for i in range(1, self.team_slots() + 1):
            self.fields[f"member_{i}_name"] = forms.CharField(label=f"Team member {i}: name", max_length=200, required=False)
            self.fields[f"member_{i}_email"] = forms.EmailField(label=f"Team member {i}: email", required=False)
            self.fields[f"member_{i}_title"] = forms.CharField(label=f"Team member {i}: title", max_length=200, required=False)
            self.fields[f"member_{i}_director"] = forms.BooleanField(
                label=f"Team member {i} is the executive director", required=False
            )
            names += [f"member_{i}_name", f"member_{i}_email", f"member_{i}_title", f"member_{i}_director"]
        self.sections.append(("team", "Your team", names))

    def _add_demographic_fields(self) -> None:
        names = []
        for category in self.call.demographic_categories.all():
            choices = [(v, v) for v in category.value_list] + [(PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY)]
            name = f"demo_{category.key}"
            if category.multiple:
                self.fields[name] = forms.MultipleChoiceField(
                    label=category.label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple,
                    help_text=category.help_text or "Choose every value that applies.",
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=category.label, choices=[("", "—")] + choices, required=False, help_text=category.help_text,
                )
            names.append(name)
        self.fields["demographics_consent"] = forms.BooleanField(
            label="I consent to the use of my demographic answers as described above", required=False,
        )
        names.append("demographics_consent")
        self.sections.append(("demographics", "Voluntary demographic self-identification", names))

    def clean(self):
        data = super().clean()
        members = []
        if self.call.ask_team:
            for i in range(1, self.team_slots() + 1):
                name, email = data.get(f"member_{i}_name", ""), data.get(f"member_{i}_email", "")
                if not name and not email:
                    continue
                if not name or not email:
                    self.add_error(f"member_{i}_name" if not name else f"member_{i}_email",
                                   "Give both the name and the email address of each team member.")
                    continue
                members.append({
                    "full_name": name, "email": email, "title": data.get(f"member_{i}_title", ""),
                    "is_executive_director": data.get(f"member_{i}_director", False),
                })
        data["team_members"] = members
        for key, value in list(data.items()):
            if key.startswith("demo_") and isinstance(value, list) and PREFER_NOT_TO_SAY in value and len(value) > 1:
                self.add_error(key, "'Prefer not to say' cannot be combined with other answers.")
        if data.get("scholarship_note") and not data.get("scholarship_requested"):
            data["scholarship_note"] = ""
        return data

    def grouped(self):
        """(id, heading, bound fields) per section, for the template."""
        return [(sid, heading, [self[n] for n in names]) for sid, heading, names in self.sections]


def initial_from(application: Application | None, demographics: dict | None, *, person=None, call=None) -> dict:
    """Form values of a saved draft, so the applicant continues where they stopped.

    A first visit starts from the person's current affiliation at this organizer.
    """
    if application is None:
        affiliation = (
            Affiliation.objects.filter(person=person, organization__organizer_id=call.organizer_id, is_current=True)
            .order_by("-is_leader", "id").first() if person is not None and call is not None else None
        )
        if affiliation is None:
            return {}
        return {"organization": affiliation.organization_id, "title": affiliation.title,
                "is_leader": affiliation.is_leader, "is_executive_director": affiliation.is_executive_director}
    initial = {f"q_{qid}": value for qid, value in application.answers.items()}
    initial.update(
        phone=application.phone, organization=application.organization_id, title=application.title,
        is_leader=application.is_leader, leadership_description=application.leadership_description,
        team_name=application.team_name, is_executive_director=application.is_executive_director,
        scholarship_requested=application.scholarship_requested, scholarship_note=application.scholarship_note,
    )
    for i, member in enumerate(application.team_members.all(), start=1):
        initial.update({
            f"member_{i}_name": member.full_name, f"member_{i}_email": member.email, f"member_{i}_title": member.title,
            f"member_{i}_director": member.role == member.Role.EXECUTIVE_DIRECTOR,
        })
    accommodation = getattr(application, "accommodation", None) if application.pk else None
    if accommodation:
        initial["accommodation_needs"] = accommodation.needs
    if demographics:
        for key, values in demographics.items():
            initial[f"demo_{key}"] = values
        initial["demographics_consent"] = True
    return initial


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(choices=Review.Recommendation.choices, widget=forms.RadioSelect)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000,
                              label="Comments for staff")

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = list(rubric)
        for category in self.rubric:
            self.fields[f"score_{category.pk}"] = forms.IntegerField(
                label=f"{category.name} (0–{category.max_score}, weight {category.weight:g})",
                min_value=0, max_value=category.max_score, help_text=category.description,
            )
        self.order_fields([f"score_{c.pk}" for c in self.rubric] + ["recommendation", "comment"])

    def scores(self) -> dict[str, int]:
        return {str(c.pk): self.cleaned_data[f"score_{c.pk}"] for c in self.rubric}


class ConflictForm(forms.Form):
    reason = forms.CharField(label="Why (optional, seen by staff)", required=False, max_length=300)


class RunForm(forms.Form):
    kind = forms.ChoiceField(
        label="Method", choices=[(SelectionRun.Kind.BEST, "Best-representing cohort"),
                                 (SelectionRun.Kind.LOTTERY, "Fair lottery (LEXIMIN probabilities)")],
        widget=forms.RadioSelect, initial=SelectionRun.Kind.BEST,
    )
    seed = forms.IntegerField(
        label="Published seed (optional)", required=False, min_value=0, max_value=10**12,
        help_text="Leave empty for a random seed; it is shown in the report either way.",
    )


class FixedForm(forms.Form):
    fixed = forms.ChoiceField(choices=Application.Fixed.choices, required=False, label="Staff decision")


class AccommodationStatusForm(forms.Form):
    status = forms.ChoiceField(choices=AccommodationRequest.Status.choices)

