from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as account_selectors
from accounts.models import User
from accounts.permissions import can_post, can_read_community
from articles import selectors as article_selectors
from articles.models import Topic
from community import profile_actions, selectors, services
from community import search as search_module
from community.forms import (
    AnswerForm,
    CommentForm,
    MemberSearchForm,
    QuestionForm,
    ReactionForm,
    UpdateEditForm,
    UpdateForm,
)
from community.models import Answer, Comment, ModerationState
from community.moderation.screening import mentions_crisis
from community.query_values import whole_number
from core.page_cache import visitor_page_cache
from core.pagination import ListPage, list_page, page_number

PAGE_SIZE = 20


def _not_for_you(request):
    """The page for someone who may not read community content, or None for a verified member."""
    if not request.user.is_authenticated:
        return render(request, "community/join_invitation.html", status=200)
    if not can_read_community(request.user):
        return render(request, "community/verify_needed.html", status=403)
    return None


def community_member_required(view=None, *, suspended_may_post: bool = False):
    """Visitors are invited to join; members who have not verified their email are shown how;
    suspended members read but every POST shows them why they cannot act, except where
    `suspended_may_post` (blocking someone is a safety tool, never taken away)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refused = _not_for_you(request)
            if refused is None and request.method == "POST" and not suspended_may_post and not can_post(request.user):
                refused = render(request, "community/suspended.html", status=403)
            return refused or view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def offer_crisis_help(request, text: str) -> None:
    """Words suggesting a risk of self-harm: show the writer where to find help at once."""
    if mentions_crisis(text):
        messages.warning(
            request,
            format_html(
                "It sounds like things may be very hard right now. You are not alone: "
                '<a href="{}">people you can talk to today</a>, any time of day.',
                reverse("crisis"),
            ),
        )


def after_posting(request, item, text: str) -> None:
    """Tell the author what happens next: waiting for a moderator, and help if they may be at risk."""
    if item.moderation_state == ModerationState.PENDING:
        messages.info(
            request,
            "Thank you. A moderator looks at new members' first posts before others see them; "
            "you can see it now, marked “waiting for a moderator”.",
        )
    offer_crisis_help(request, text)


def _paginate(request, queryset) -> ListPage:
    return list_page(queryset, number=page_number(request), size=PAGE_SIZE)


def local_url(request, value: str, fallback: str) -> str:
    """A path on this site to go back to, never another site or a javascript: URL."""
    local = value.startswith("/") and not value.startswith(("//", "/\\"))
    if local and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False):
        return value
    return fallback


def _back(request, fallback: str) -> str:
    return local_url(request, request.POST.get("next", ""), fallback)


# Activities


@community_member_required
def activity_list(request):
    scope = request.GET.get("show", "all")
    if scope not in selectors.FEED_SCOPES:
        scope = "all"
    if request.method == "POST":
        form = UpdateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                update = services.update_create(
                    author=request.user,
                    text=form.cleaned_data["text"],
                    picture=form.cleaned_data.get("picture"),
                    picture_alt=form.cleaned_data["picture_alt"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your update is posted.")
                after_posting(request, update, update.text)
                return redirect("activity_list")
    else:
        form = UpdateForm()
    page = selectors.feed_page(viewer=request.user, scope=scope, number=page_number(request), size=PAGE_SIZE)
    return render(
        request,
        "community/activity_list.html",
        {
            "form": form,
            "page": page,
            "scope": scope,
            "reacted": selectors.viewer_reactions(viewer=request.user, updates=page.object_list),
        },
        status=400 if form.errors else 200,
    )


def _update_page(request, update, comment_form=None, status=200):
    return render(
        request,
        "community/update_detail.html",
        {
            "update": update,
            "comments": selectors.comment_thread(viewer=request.user, page=page_number(request), update=update),
            "comment_form": comment_form or CommentForm(),
            "reacted": selectors.viewer_reactions(viewer=request.user, updates=[update]),
        },
        status=status,
    )


@community_member_required
@require_GET
def update_detail(request, update_id: int):
    return _update_page(request, selectors.update_for_viewer(viewer=request.user, update_id=update_id))


@community_member_required
def update_edit(request, update_id: int):
    update = selectors.update_for_viewer(viewer=request.user, update_id=update_id)
    if update.author_id != request.user.pk:
        raise PermissionDenied
    form = UpdateEditForm(
        request.POST if request.method == "POST" else None,
        initial={"text": update.text, "picture_alt": update.picture_alt},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_edit(
                actor=request.user,
                update=update,
                text=form.cleaned_data["text"],
                picture_alt=form.cleaned_data["picture_alt"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your update is saved.")
            return redirect(update)
    return render(request, "community/update_edit.html", {"update": update, "form": form})


@community_member_required
def update_delete(request, update_id: int):
    update = selectors.update_for_viewer(viewer=request.user, update_id=update_id)
    if update.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        services.update_delete(actor=request.user, update=update)
        messages.success(request, "Your update is deleted.")
        return redirect("activity_list")
    return render(request, "community/update_confirm_delete.html", {"update": update})


@community_member_required
@require_POST
def update_react(request, update_id: int):
    update = selectors.update_for_viewer(viewer=request.user, update_id=update_id)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return render(request, "errors/400.html", status=400)
    services.reaction_toggle(member=request.user, update=update, kind=form.cleaned_data["kind"])
    if request.htmx:
        update.refresh_from_db()
        return render(
            request,
            "community/_reactions.html",
            {"update": update, "reacted": selectors.viewer_reactions(viewer=request.user, updates=[update])},
        )
    return redirect(_back(request, update.get_absolute_url()))


# Comments


def _comment_create(request, *, back_url: str, render_error, **target):
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
            if parent is None:
                form.add_error(None, "The comment you replied to has been removed.")
        if not form.errors:
            try:
                comment = services.comment_create(
                    author=request.user, text=form.cleaned_data["text"], parent=parent, **target
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your comment is posted.")
                after_posting(request, comment, comment.text)
                where = selectors.comment_page_query(viewer=request.user, comment=comment)
                return redirect(f"{back_url}{where}#comment-{comment.pk}")
    return render_error(form)


@community_member_required
@require_POST
def update_comment(request, update_id: int):
    update = selectors.update_for_viewer(viewer=request.user, update_id=update_id)
    return _comment_create(
        request,
        back_url=update.get_absolute_url(),
        render_error=lambda form: _update_page(request, update, comment_form=form, status=400),
        update=update,
    )


def _comment_error_page(request, form, back_url: str, title: str):
    return render(
        request, "community/comment_error.html", {"form": form, "back_url": back_url, "title": title}, status=400
    )


@community_member_required
@require_POST
def article_comment(request, slug: str):
    article = article_selectors.article_for_viewer(viewer=request.user, slug=slug)
    url = article.get_absolute_url()
    return _comment_create(
        request,
        back_url=url,
        render_error=lambda form: _comment_error_page(request, form, url, article.title),
        article=article,
    )


@community_member_required
@require_POST
def answer_comment(request, question_id: int, answer_id: int):
    answer = _answer_for(request, question_id, answer_id)
    url = answer.question.get_absolute_url()
    return _comment_create(
        request,
        back_url=url,
        render_error=lambda form: _comment_error_page(request, form, url, answer.question.title),
        answer=answer,
    )


@community_member_required
@require_POST
def comment_delete(request, comment_id: int):
    comment = get_object_or_404(Comment, pk=comment_id)
    services.comment_delete(actor=request.user, comment=comment)
    messages.success(request, "The comment is deleted.")
    return redirect(_back(request, reverse("activity_list")))


# Questions and answers


@visitor_page_cache(query_params=("tab", "show", "topic", "page"))
def question_list(request):
    # `?show=unanswered` is the address digests and staff pages link to.
    tab = "unanswered" if request.GET.get("show") == "unanswered" else request.GET.get("tab", "newest")
    if tab not in selectors.QUESTION_TABS:
        tab = "newest"
    topic = None
    if request.GET.get("topic"):
        topic = Topic.objects.filter(slug=request.GET["topic"]).first()
    page = selectors.question_page(
        tab=tab, topic=topic, viewer=request.user, number=page_number(request), size=PAGE_SIZE
    )
    return render(
        request,
        "community/question_list.html",
        {
            "page": page,
            "tab": tab,
            "topic": topic,
            "topics": article_selectors.topic_choices(),
            "can_read": can_read_community(request.user),
        },
    )


@community_member_required
def question_ask(request):
    # A POST with no fields at all is still a submission: it shows what is missing.
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your question is posted. We will let you know when someone answers.")
            after_posting(request, question, f"{question.title}\n{question.details}")
            return redirect(question)
    similar = (
        selectors.similar_questions(title=request.POST.get("title", ""), viewer=request.user)
        if request.method == "POST"
        else []
    )
    return render(
        request, "community/question_ask.html", {"form": form, "similar": similar}, status=400 if form.errors else 200
    )


@community_member_required
@require_GET
def question_similar(request):
    return render(
        request,
        "community/_similar_questions.html",
        {"similar": selectors.similar_questions(title=request.GET.get("title", "")[:200], viewer=request.user)},
    )


def question_detail(request, question_id: int, slug: str = ""):
    question = selectors.question_for_page(question_id=question_id, viewer=request.user)
    if slug != question.slug:
        return redirect(question, permanent=True)
    can_read = can_read_community(request.user)
    answer_form = AnswerForm()
    status = 200
    if request.method == "POST":
        if not can_read:
            return _not_for_you(request)
        if not can_post(request.user):
            return render(request, "community/suspended.html", status=403)
        answer_form = AnswerForm(request.POST)
        if answer_form.is_valid():
            try:
                answer = services.answer_create(
                    author=request.user, question=question, text=answer_form.cleaned_data["text"]
                )
            except ValidationError as error:
                answer_form.add_error(None, error)
            else:
                messages.success(request, "Thank you: your answer is posted.")
                after_posting(request, answer, answer.text)
                where = selectors.answer_page_query(viewer=request.user, answer_id=answer.pk)
                return redirect(f"{question.get_absolute_url()}{where}#answer-{answer.pk}")
        status = 400
    return render(
        request,
        "community/question_detail.html",
        {
            "question": question,
            "answers": selectors.answers_for_viewer(
                viewer=request.user,
                question=question,
                page=page_number(request),
                all_comments_of=whole_number(request.GET.get("comments")),
            )
            if can_read
            else [],
            "answer_form": answer_form,
            "comment_form": CommentForm(),
            "can_read": can_read,
            "is_asker": can_read and question.author_id == request.user.pk,
            "is_following": can_read and question.followed,
        },
        status=status,
    )


def _answer_for(request, question_id: int, answer_id: int) -> Answer:
    """An answer the viewer may see, on a question the viewer may see: never a removed one or
    someone else's waiting for a moderator (the services refuse what a block rules out)."""
    question = selectors.question_for_page(question_id=question_id, viewer=request.user)
    answers = Answer.objects.select_related("question").filter(selectors.shown_to(request.user))
    return get_object_or_404(answers, pk=answer_id, question=question)


@community_member_required
@require_POST
def answer_helpful(request, question_id: int, answer_id: int):
    answer = _answer_for(request, question_id, answer_id)
    try:
        services.helpful_vote_toggle(member=request.user, answer=answer)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    where = selectors.answer_page_query(viewer=request.user, answer_id=answer.pk)
    return redirect(f"{answer.question.get_absolute_url()}{where}#answer-{answer.pk}")


@community_member_required
@require_POST
def answer_accept(request, question_id: int, answer_id: int):
    answer = _answer_for(request, question_id, answer_id)
    services.answer_accept(actor=request.user, answer=answer)
    messages.success(request, "Thank you. That answer is now shown first as the one that helped you most.")
    return redirect(f"{answer.question.get_absolute_url()}#answer-{answer.pk}")


# Members


@community_member_required
@require_GET
def member_list(request):
    form = MemberSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _paginate(request, selectors.find_members(viewer=request.user, **filters))
    return render(
        request,
        "community/member_list.html",
        {"form": form, "page": page, "added_me": selectors.added_me(viewer=request.user)},
    )


@login_required
def member_detail(request, member_id: int):
    profile = account_selectors.profile_for_viewer(viewer=request.user, member_id=member_id)
    is_owner = profile.user_id == request.user.pk
    # Someone who blocked the viewer is simply not there for them.
    if not is_owner and selectors.blocked_by(blocker_id=member_id, viewer_id=request.user.pk):
        raise Http404
    return render(
        request,
        "community/member_detail.html",
        {
            "profile": profile,
            "member": profile.user,
            "facts": account_selectors.profile_facts(viewer=request.user, profile=profile),
            "is_owner": is_owner,
            "relations": None if is_owner else selectors.team_relations(viewer=request.user, member=profile.user),
            "profile_actions": [] if is_owner else profile_actions.for_member(viewer=request.user, member=profile.user),
        },
    )


def _member(member_id: int) -> User:
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        raise Http404
    return member


@community_member_required
@require_POST
def team_toggle(request, member_id: int):
    member = _member(member_id)
    if request.POST.get("action") == "remove":
        services.team_remove(member=request.user, teammate=member)
        messages.success(request, f"{member.display_name} is no longer in your team.")
    else:
        try:
            services.team_add(member=request.user, teammate=member)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, getattr(error, "messages", [str(error)])[0])
        else:
            messages.success(request, f"{member.display_name} is now in your team.")
    return redirect(_back(request, member.get_absolute_url()))


@community_member_required(suspended_may_post=True)
@require_POST
def block_toggle(request, member_id: int):
    member = _member(member_id)
    if request.POST.get("action") == "unblock":
        services.member_unblock(blocker=request.user, blocked=member)
        messages.success(request, f"You unblocked {member.display_name}.")
        return redirect(member)
    try:
        services.member_block(blocker=request.user, blocked=member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(member)
    messages.success(
        request, f"You blocked {member.display_name}. They can no longer see your activity, comment on it or add you."
    )
    return redirect("member_list")


# Search


@require_GET
def search(request):
    outcome = search_module.search(
        viewer=request.user, raw_query=request.GET.get("q", ""), kind=request.GET.get("kind", "all")
    )
    return render(request, "community/search.html", {"outcome": outcome, "kinds": SEARCH_TABS})


SEARCH_TABS = [
    ("all", "Everything"),
    ("articles", "Articles"),
    ("questions", "Questions and answers"),
    ("updates", "Updates and comments"),
    ("members", "Members"),
]


@community_member_required
@require_POST
def question_follow(request, question_id: int):
    question = selectors.question_for_page(question_id=question_id, viewer=request.user)
    try:
        following = services.question_follow_toggle(member=request.user, question=question)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            "You are following this question: new answers will be in your digest."
            if following
            else "You no longer follow this question.",
        )
    return redirect(question)
