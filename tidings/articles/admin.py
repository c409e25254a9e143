from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from tidings.accounts.access import acting_user
from tidings.articles import originality, transitions
from tidings.articles.actions import save_article
from tidings.articles.models import Article, Reference


class ReferenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Reference
    extra = 0
    # A bare "example.com" means https (Django 6's default, set explicitly for 5.2).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ArticleAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """A status chosen here is one of the transitions (tidings.articles.transitions): the form
    refuses a change that the transition would refuse, so the editor sees why."""

    request_user: Any = None  # set by ArticleAdmin.get_form

    class Meta:
        model = Article
        exclude: list[str] = []  # every field the admin shows; ArticleAdmin says which are read-only

    def clean_status(self) -> str:
        target = self.cleaned_data["status"]
        stored = Article.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        user = self.request_user
        if stored is None:
            if target not in (Article.Status.DRAFT, Article.Status.PUBLISHED, Article.Status.SCHEDULED):
                raise forms.ValidationError("新文章只能保存为草稿，或直接发布（将来的时间即定时发布）。")
        elif problem := transitions.editor_change_problem(stored, target, user):
            raise forms.ValidationError(problem)
        return str(target)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ArticleAdminForm
    list_display = ("title", "creator", "channel", "status", "published_at", "original", "hot_score")
    list_filter = ("status", "channel", "original", "lang")
    search_fields = ("title", "creator__name", "creator__handle")
    date_hierarchy = "published_at"
    raw_id_fields = ("creator",)
    readonly_fields = (
        "views_count",
        "shares_count",
        "comments_count",
        "likes_count",
        "hot_score",
        "import_key",
        "deleted_at",
    )
    inlines = [ReferenceInline]
    list_select_related = ("creator", "channel")
    actions = ["publish", "withdraw"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request_user": request.user})

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        # The content goes through the action (rendered, sanitised, caches invalidated); a new
        # status through its transition, which records it in the audit log. "Published" with a
        # future date means scheduled: the worker publishes it at that minute.
        target = obj.status
        if target == Article.Status.PUBLISHED and obj.published_at and obj.published_at > timezone.now():
            target = Article.Status.SCHEDULED
        with transaction.atomic():
            save_article(obj)  # content only: a new article is a draft, a stored one keeps its status
            if {"original", "body_md", "creator"} & set(form.changed_data):
                # 原创 is never taken on trust, here either: judged as an import's is (a match goes
                # to the 原创核查 queue with both texts), the check written beside it.
                matches = originality.judge(obj, None, on_match="review")
                Article.objects.filter(pk=obj.pk).update(original_check=obj.original_check)
                originality.record_matches(obj, matches)
            obj.refresh_from_db(fields=["status"])
            if target != obj.status:
                transitions.change_by_editor(obj, target, acting_user(request))

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        self.delete_queryset(request, Article.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        transitions.purge(queryset, acting_user(request))

    @admin.action(description="发布 Publish selected articles")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, lambda a: transitions.publish(a, acting_user(request)))

    @admin.action(description="撤回 Withdraw selected articles")
    def withdraw(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, lambda a: transitions.withdraw(a, acting_user(request), "管理后台撤回"))

    def _each(self, request: HttpRequest, queryset: Any, change: Any) -> None:
        done, refused = 0, []
        for article in queryset:
            try:
                change(article)
                done += 1
            except (transitions.WrongState, transitions.NotAllowed) as exc:
                refused.append(f"《{article.title}》：{exc}")
        if done:
            self.message_user(request, f"已处理 {done} 篇。", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)
