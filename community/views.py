"""Community pages under /<organizer>/community/. Thin: selectors decide who sees what,
services change things. Anyone who may not open a space gets 404, whatever the URL."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from library.uploads import UploadSizeLimitHandler, private_file_response
from organizers.permissions import organizer_view
from sessions_app.selectors.sessions import knows_organizer

from . import selectors, services
from .forms import (
    EditForm,
    HidePostForm,
    InviteForm,
    ModerateForm,
    ReplyForm,
    ReportForm,
    SettingsForm,
    SummaryForm,
    ThreadForm,
)
from .models import ModerationEvent, Space, SpaceMember

THREADS_PER_PAGE = 30


def _staff(request) -> bool:
    return request.access.is_staff


def _access(request, space_id: int) -> selectors.SpaceAccess:
    access = selectors.access_to(space_id=space_id, organizer=request.organizer, user=request.user, staff=_staff(request))
    if access is None:
        raise Http404
    return access


def _thread(request, thread_id: int):
    found = selectors.find_thread(organizer=request.organizer, user=request.user, thread_id=thread_id, staff=_staff(request))
    if found is None:
        raise Http404
    return found


def _post(request, post_id: int):
    found = selectors.find_post(organizer=request.organizer, user=request.user, post_id=post_id, staff=_staff(request))
    if found is None:
        raise Http404
    return found


def _to_thread(thread, post=None):
    url = reverse("community:thread", kwargs={"organizer_slug": thread.organizer.slug, "thread_id": thread.pk})
    return redirect(url + (f"#post-{post.pk}" if post else ""))


def _to_space(space):
    return redirect("community:space", organizer_slug=space.organizer.slug, space_id=space.pk)


def _with_upload_limit(view):
    """Install the library's streaming size limit before the CSRF check reads the body."""
    protected = csrf_protect(view)

    @csrf_exempt
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            request.upload_handlers.insert(0, UploadSizeLimitHandler(request))
        return protected(request, *args, **kwargs)

    return wrapped


@organizer_view(login=True)
def index(request, organizer_slug: str):
    organizer = request.organizer
    spaces = list(selectors.visible_spaces(organizer=organizer, user=request.user, staff=_staff(request))
                  .select_related("cohort__program", "program", "affinity_group"))
    joinable = list(selectors.joinable_spaces(organizer=organizer, user=request.user))
    if not spaces and not joinable and not knows_organizer(request.user, organizer):
        raise Http404  # no tie to this organizer (e.g. another organizer's staff)
    return render(request, "community/index.html", {"spaces": spaces, "joinable": joinable})


@require_POST
@organizer_view(login=True)
def join(request, organizer_slug: str, space_id: int):
    space = selectors.joinable_spaces(organizer=request.organizer, user=request.user).filter(pk=space_id).first()
    if space is None:
        raise Http404
    services.join(space=space, person=request.user)
    messages.success(request, f"Welcome to {space.title}.")
    return _to_space(space)


@require_POST
@organizer_view(login=True)
def leave(request, organizer_slug: str, space_id: int):
    access = _access(request, space_id)
    joined = access.settings is not None and (access.settings.joined_at or access.settings.invited_at)
    if not joined:
        raise Http404  # a cohort's people belong to its space as long as they take part
    services.leave(space=access.space, person=request.user)
    messages.success(request, f"You left {access.space.title}.")
    return redirect("community:index", organizer_slug=organizer_slug)


@organizer_view(login=True)
def space_page(request, organizer_slug: str, space_id: int):
    access = _access(request, space_id)
    space = access.space
    query = _search_text(request.GET.get("q", ""))
    threads = selectors.thread_list(space=space, user=request.user, moderator=access.can_moderate, query=query)
    with scopes_disabled():
        page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    for thread in rows:
        thread.unread = selectors.is_unread(thread)
    return render(request, "community/space.html", {
        "space": space, "access": access, "page": page, "threads": rows, "query": query,
        "events": selectors.upcoming_events(space=space, user=request.user),
        "open_reports": selectors.open_reports(space=space).count() if access.can_moderate else 0,
        "query_string": urlencode({"q": query}) if query else "",
    })


def _search_text(raw: str) -> str:
    """What a person typed in the search box, without control characters (PostgreSQL refuses NUL)."""
    return "".join(ch for ch in raw[:200] if ch.isprintable()).strip()


@_with_upload_limit
@organizer_view(login=True)
def new_thread(request, organizer_slug: str, space_id: int):
    access = _access(request, space_id)
    if not access.can_post:
        raise Http404
    options = {"moderator": access.can_moderate, "needs_guidelines": access.needs_guidelines}
    if request.method == "POST":
        form = ThreadForm(request.POST, request.FILES, refused_upload=getattr(request, "library_upload_refused", None), **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = services.start_thread(
                    access=access, author=request.user, title=data["title"], body=data["body"],
                    upload=data["upload"] if form.checked_upload else None, checked=form.checked_upload,
                    accept_guidelines=data.get("accept_guidelines", False), announcement=data.get("announcement", False),
                )
            except services.CommunityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your thread is posted.")
                return _to_thread(thread)
    else:
        form = ThreadForm(**options)
    return render(request, "community/new_thread.html", {"space": access.space, "access": access, "form": form},
                  status=400 if form.errors else 200)


@organizer_view(login=True)
def thread_page(request, organizer_slug: str, thread_id: int):
    thread, access = _thread(request, thread_id)
    posts = list(selectors.visible_posts(thread=thread, moderator=access.can_moderate).select_related("author"))
    services.mark_read(thread=thread, person=request.user)
    return render(request, "community/thread.html", _thread_context(request, thread, access, posts))


def _thread_context(request, thread, access, posts, reply_form=None) -> dict:
    return {
        "thread": thread, "space": access.space, "access": access, "posts": posts,
        "reply_form": reply_form or ReplyForm(needs_guidelines=access.needs_guidelines),
        "can_reply": access.can_post and (not thread.is_locked or access.can_moderate),
        "moderate_form": ModerateForm(targets=selectors.move_targets(space=access.space, user=request.user, staff=access.is_staff))
        if access.can_moderate else None,
    }


@require_POST
@_with_upload_limit
@organizer_view(login=True)
def reply(request, organizer_slug: str, thread_id: int):
    thread, access = _thread(request, thread_id)
    form = ReplyForm(request.POST, request.FILES, needs_guidelines=access.needs_guidelines,
                     refused_upload=getattr(request, "library_upload_refused", None))
    if form.is_valid():
        data = form.cleaned_data
        try:
            post = services.reply(
                thread=thread, access=access, author=request.user, body=data["body"],
                upload=data["upload"] if form.checked_upload else None, checked=form.checked_upload,
                accept_guidelines=data.get("accept_guidelines", False),
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your reply is posted.")
            return _to_thread(thread, post)
    posts = list(selectors.visible_posts(thread=thread, moderator=access.can_moderate).select_related("author"))
    return render(request, "community/thread.html", _thread_context(request, thread, access, posts, form), status=400)


@organizer_view(login=True)
def edit_post(request, organizer_slug: str, post_id: int):
    post, access = _post(request, post_id)
    if post.author_id != request.user.id or post.deleted_at:
        raise Http404
    thread = post.thread
    if request.method == "POST":
        form = EditForm(request.POST, opening=post.is_opening)
        if form.is_valid():
            try:
                services.edit_post(post=post, by=request.user, body=form.cleaned_data["body"],
                                   title=form.cleaned_data.get("title"))
            except services.CommunityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your post is updated.")
                return _to_thread(thread, post)
    else:
        form = EditForm(initial={"title": thread.title, "body": post.body}, opening=post.is_opening)
    return render(request, "community/edit_post.html", {"form": form, "post": post, "thread": thread, "space": access.space},
                  status=400 if form.errors else 200)


@require_POST
@organizer_view(login=True)
def delete_post(request, organizer_slug: str, post_id: int):
    post, access = _post(request, post_id)
    if post.author_id != request.user.id or post.deleted_at:
        raise Http404
    services.delete_post(post=post, by=request.user)
    messages.success(request, "Your post is deleted.")
    return _to_thread(post.thread)


@organizer_view(login=True)
def report_post(request, organizer_slug: str, post_id: int):
    post, access = _post(request, post_id)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_post(post=post, access=access, reporter=request.user, reason=form.cleaned_data["reason"])
            except services.CommunityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Thank you. The facilitators will look at this post.")
                return _to_thread(post.thread, post)
    else:
        form = ReportForm()
    return render(request, "community/report.html", {"form": form, "post": post, "thread": post.thread, "space": access.space},
                  status=400 if form.errors else 200)


@require_POST
@organizer_view(login=True)
def hide_post(request, organizer_slug: str, post_id: int):
    post, access = _post(request, post_id)
    if not access.can_moderate:
        raise Http404
    form = HidePostForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to hide or show the post.")
        return _to_thread(post.thread, post)
    hidden = form.cleaned_data["hidden"]
    post.thread.space = access.space
    services.hide_post(post=post, by=request.user, reason=form.cleaned_data["reason"], hidden=hidden)
    messages.success(request, "The post is hidden from members." if hidden else "The post is visible again.")
    return _to_thread(post.thread, post)


@require_POST
@organizer_view(login=True)
def moderate_thread(request, organizer_slug: str, thread_id: int):
    thread, access = _thread(request, thread_id)
    if not access.can_moderate:
        raise Http404
    targets = selectors.move_targets(space=access.space, user=request.user, staff=access.is_staff)
    form = ModerateForm(request.POST, targets=targets)
    if not form.is_valid():
        messages.error(request, "Choose an action" + (" and a space to move the thread to." if "target" in form.errors else "."))
        return _to_thread(thread)
    data = form.cleaned_data
    target = next((s for s in targets if s.pk == data["target"]), None)
    try:
        services.moderate_thread(thread=thread, by=request.user, action=data["action"], reason=data["reason"], target=target)
    except services.CommunityError as error:
        messages.error(request, str(error))
        return _to_thread(thread)
    messages.success(request, f"Done: {ModerationEvent.Action(data['action']).label.lower()}.")
    return _to_thread(thread)


@organizer_view(login=True)
def attachment(request, organizer_slug: str, post_id: int):
    post, access = _post(request, post_id)
    if not post.attachment or post.deleted_at:
        raise Http404
    return private_file_response(post.attachment, filename=post.attachment_name or "attachment",
                                 content_type=post.attachment_type)


@organizer_view(login=True)
def member_settings(request, organizer_slug: str, space_id: int):
    access = _access(request, space_id)
    row = access.settings
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.update_settings(space=access.space, person=request.user, notify_level=data["notify"],
                                     in_directory=data["in_directory"], organization=data["organization"],
                                     role=data["role"], introduction=data["introduction"],
                                     can_help_with=data["can_help_with"])
            messages.success(request, "Your settings for this space are saved.")
            return redirect("community:settings", organizer_slug=organizer_slug, space_id=space_id)
    else:
        initial = {"notify": access.notify}
        if row is not None:
            initial.update({f: getattr(row, f) for f in ("in_directory", "organization", "role", "introduction", "can_help_with")})
        form = SettingsForm(initial=initial)
    return render(request, "community/settings.html", {"form": form, "space": access.space, "access": access},
                  status=400 if form.errors else 200)


@organizer_view(login=True)
def member_directory(request, organizer_slug: str, space_id: int):
    access = _access(request, space_id)
    invite_form = None
    if access.is_staff:
        invite_form = InviteForm(request.POST or None)
        if request.method == "POST" and invite_form.is_valid():
            person = get_user_model().objects.filter(email__iexact=invite_form.cleaned_data["email"]).first()
            if person is None:
                invite_form.add_error("email", "No Praxis account uses this email; ask them to create one first.")
            else:
                services.invite(space=access.space, person=person, by=request.user)
                messages.success(request, f"{person.display_name} is invited to {access.space.title}.")
                return redirect("community:directory", organizer_slug=organizer_slug, space_id=space_id)
    elif request.method == "POST":
        raise Http404
    return render(request, "community/directory.html", {
        "space": access.space, "access": access, "people": selectors.directory(space=access.space),
        "invite_form": invite_form,
    }, status=400 if invite_form is not None and invite_form.errors else 200)


@organizer_view(login=True)
def reports(request, organizer_slug: str, space_id: int):
    access = _access(request, space_id)
    if not access.can_moderate:
        raise Http404
    space = access.space
    if request.method == "POST":
        with scopes_disabled():
            report = selectors.open_reports(space=space).filter(pk=request.POST.get("report") or 0).first() \
                if str(request.POST.get("report", "")).isdigit() else None
        if report is None:
            messages.error(request, "That report is already handled.")
        else:
            services.dismiss_report(report=report, by=request.user, space=space)
            messages.success(request, "The report is dismissed; the post stays visible.")
        return redirect("community:reports", organizer_slug=organizer_slug, space_id=space_id)
    with scopes_disabled():
        events = list(ModerationEvent.objects.filter(space=space).select_related("actor", "thread")[:50])
    return render(request, "community/reports.html", {
        "space": space, "access": access, "reports": list(selectors.open_reports(space=space)), "events": events,
        "hide_form": HidePostForm(initial={"hidden": "1"}),
    })


@organizer_view(login=True)
def session_summary(request, organizer_slug: str, space_id: int):
    access = _access(request, space_id)
    if not access.can_moderate or not access.can_post:
        raise Http404
    sessions = selectors.summarizable_sessions(space=access.space, user=request.user)
    form = SummaryForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        thread = services.post_session_summary(access=access, author=request.user, session=form.cleaned_data["session_obj"],
                                               body=form.cleaned_data["body"])
        messages.success(request, "The session summary is posted and pinned.")
        return _to_thread(thread)
    return render(request, "community/summary.html", {"space": access.space, "form": form, "sessions": sessions},
                  status=400 if form.errors else 200)


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without cookies or a CSRF
# token; the signed token is the credential. A GET (a person, or a link scanner) only
# shows the confirmation page.
@csrf_exempt
@organizer_view(login=False)
def unsubscribe(request, organizer_slug: str, token: str):
    try:
        found = services.read_unsubscribe_token(token, organizer_id=request.organizer.id)
    except services.ExpiredLink:
        return render(request, "community/unsubscribe.html", {"expired": True}, status=410)
    if found is None:
        raise Http404
    space_id, user_id = found
    with scopes_disabled():
        person = get_user_model().objects.filter(pk=user_id).first()
        space = Space.objects.filter(pk=space_id, organizer_id=request.organizer.id).first()
    if person is None or space is None:
        raise Http404
    done = False
    if request.method == "POST":
        level = SpaceMember.Notify.REPLIES_AND_MENTIONS if request.POST.get("resubscribe") == "1" else SpaceMember.Notify.NOTHING
        services.set_notify(space=space, person=person, level=level)
        done = level
    return render(request, "community/unsubscribe.html", {"space": space, "token": token, "done": done, "Notify": SpaceMember.Notify})

