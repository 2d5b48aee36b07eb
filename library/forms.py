from django import forms
from django_scopes import scopes_disabled

from cohorts.models import Program

from .models import LANGUAGES, Resource, Topic
from .selectors import SORTS
from .uploads import check_form_upload


class LibraryFilterForm(forms.Form):
    """The library page's search box and filters (GET); bad values are ignored, never a 500."""

    q = forms.CharField(label="Search the library", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *Resource.Kind.choices])
    topic = forms.ChoiceField(label="Topic", required=False)
    program = forms.TypedChoiceField(label="Program", required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label="Language", required=False, choices=[("", "Any language"), *LANGUAGES])
    sort = forms.ChoiceField(
        label="Sort by", required=False,
        choices=[("", "Best match / newest"), *[(key, label) for key, (label, _) in SORTS.items()]],
    )

    def __init__(self, *args, topics=(), programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in self.organizer_choices(topics=topics, programs=programs).items():
            self.fields[name].choices = choices

    @staticmethod
    def organizer_choices(*, topics, programs) -> dict[str, list[tuple]]:
        """The choices that depend on the organizer: its topics and programs."""
        return {"topic": [("", "Any topic"), *[(t.slug, t.name) for t in topics]],
                "program": [("", "Any program"), *[(p.id, p.title) for p in programs]]}

    def cleaned_or_empty(self) -> dict:
        """Valid filters; an invalid one (a stale link, a typo) is dropped."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}


# Model forms build their choice querysets at import, outside any organizer scope;
# __init__ narrows them to the current organizer.
with scopes_disabled():

    class ProposeResourceForm(forms.ModelForm):
        upload = forms.FileField(
            label="File", required=False,
            help_text="PDF, Word, Excel, PowerPoint, an image or plain text. Or give a link below.",
        )
        url = forms.URLField(label="Link", required=False, max_length=500, assume_scheme="https")

        class Meta:
            model = Resource
            fields = ["title", "kind", "summary", "body", "url", "topics", "language", "author"]
            labels = {"body": "Description", "url": "Link", "author": "Author or publisher"}
            widgets = {"topics": forms.CheckboxSelectMultiple, "body": forms.Textarea(attrs={"rows": 5})}

        def __init__(self, *args, organizer, refused_upload: str | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self.refused_upload = refused_upload
            self.checked_upload = None
            self.fields["topics"].queryset = Topic.objects.filter(organizer_id=organizer.id)
            self.fields["body"].help_text = "Markdown. What it is and how it helps."

        def clean(self):
            cleaned = super().clean()
            upload = cleaned.get("upload")
            self.checked_upload = check_form_upload(self, upload, refused=self.refused_upload)
            if not self.refused_upload and not upload and not cleaned.get("url") and "url" not in self.errors:
                self.add_error("url", "Upload a file or give a link.")
            return cleaned


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = forms.CharField(label="Note to the proposer", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


def programs_for_filter(organizer):
    return Program.objects.filter(organizer_id=organizer.id).exclude(status=Program.Status.DRAFT).order_by("title")
