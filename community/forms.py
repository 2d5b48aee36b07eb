from django import forms

from library.uploads import check_form_upload

from .models import ModerationEvent, SpaceMember

A = ModerationEvent.Action
BODY_HELP = "Markdown: **bold**, *italic*, lists and links. Mention someone with @ and their name, e.g. @Maria Lopez."
MAX_BODY = 20_000


class _PostForm(forms.Form):
    """A post's text with an optional attachment (checked like library uploads: size, type
    by content, safe name) and, before a person's first post, the guidelines to agree to."""

    upload = forms.FileField(label="Attach a file (optional)", required=False,
                             help_text="PDF, Word, Excel, PowerPoint, an image or plain text.")
    accept_guidelines = forms.BooleanField(label="I have read the community guidelines and will follow them")

    def __init__(self, *args, needs_guidelines: bool = False, refused_upload=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_upload = refused_upload
        self.checked_upload = None
        if not needs_guidelines:
            del self.fields["accept_guidelines"]

    def clean(self):
        cleaned = super().clean()
        self.checked_upload = check_form_upload(self, cleaned.get("upload"), refused=self.refused_upload)
        return cleaned


class ThreadForm(_PostForm):
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(label="Your post", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 8}), help_text=BODY_HELP)
    announcement = forms.BooleanField(label="Post as an announcement (pinned at the top)", required=False)
    field_order = ["title", "body", "upload", "announcement", "accept_guidelines"]

    def __init__(self, *args, moderator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not moderator:
            del self.fields["announcement"]


class ReplyForm(_PostForm):
    body = forms.CharField(label="Your reply", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 5}), help_text=BODY_HELP)
    field_order = ["body", "upload", "accept_guidelines"]


class EditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(label="Your post", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 8}), help_text=BODY_HELP)

    def __init__(self, *args, opening: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not opening:
            del self.fields["title"]


class ReportForm(forms.Form):
    reason = forms.CharField(label="What is wrong with this post?", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="Only the space's facilitators and staff see your report and your name.")


class SettingsForm(forms.Form):
    notify = forms.ChoiceField(label="Email me about", choices=SpaceMember.Notify.choices, widget=forms.RadioSelect)
    in_directory = forms.BooleanField(label="Show me in this space's member directory", required=False)
    organization = forms.CharField(label="Organization", max_length=200, required=False)
    role = forms.CharField(label="Role", max_length=200, required=False, help_text="e.g. Director of programs")
    introduction = forms.CharField(label="A short introduction", max_length=1000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    can_help_with = forms.CharField(label="What I can help with", max_length=500, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class ModerateForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a.label) for a in (
        A.PIN, A.UNPIN, A.ANNOUNCE, A.UNANNOUNCE, A.LOCK, A.UNLOCK, A.HIDE_THREAD, A.SHOW_THREAD, A.MOVE)])
    reason = forms.CharField(label="Reason (kept in the audit log)", max_length=300, required=False)
    target = forms.TypedChoiceField(label="Move to", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "Choose a space"), *[(s.pk, s.title) for s in targets]]


class HidePostForm(forms.Form):
    hidden = forms.TypedChoiceField(choices=[("1", "Hide"), ("0", "Show")], coerce=lambda v: v == "1")
    reason = forms.CharField(label="Reason (sent to the author, kept in the audit log)", max_length=300, required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email of their Praxis account")


class SummaryForm(forms.Form):
    session = forms.TypedChoiceField(label="Session", coerce=int)
    body = forms.CharField(label="Summary", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text="Markdown. Leave empty to use the session's shared summary.", required=False)

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in sessions}
        self.fields["session"].choices = [(s.pk, f"{s.title} ({s.starts_at:%d %b %Y})") for s in sessions]

    def clean(self):
        cleaned = super().clean()
        session = self.sessions.get(cleaned.get("session"))
        if session is not None and not cleaned.get("body", "").strip():
            note = getattr(session, "note", None)
            shared = note.shared_summary.strip() if note is not None else ""
            if not shared:
                self.add_error("body", "This session has no shared summary yet: write one here.")
            cleaned["body"] = shared
        cleaned["session_obj"] = session
        return cleaned
