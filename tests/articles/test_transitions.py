"""The one door for an article's status (tidings.articles.transitions).

Every (state, transition, actor) combination is walked against a table written out here, by
hand, from the rules in docs/moderation.md — not read back from the module's own table. Then the
holes the door closes, through HTTP as people reach them: an editor's take-down in the admin,
and the withdraw-and-resubmit sequence found by an attack on a running site.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article, make_user, make_writer
from tidings.accounts.models import User
from tidings.articles import transitions
from tidings.articles.models import Article
from tidings.audit.models import Entry
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db

S = Article.Status
STATES = [S.DRAFT, S.PENDING, S.SCHEDULED, S.PUBLISHED, S.WITHDRAWN, S.REJECTED]
ACTORS = ["owner", "other creator", "reader", "editor", "admin", "system"]

# (transition, actor) → the states it may leave. Anything not listed is refused, and refused
# transitions change nothing.
ALLOWED: dict[tuple[str, str], set[str]] = {
    ("submit", "owner"): {S.DRAFT, S.SCHEDULED, S.WITHDRAWN, S.REJECTED},
    ("retract", "owner"): {S.PUBLISHED, S.SCHEDULED, S.PENDING},
    ("withdraw", "owner"): {S.PUBLISHED},
    ("withdraw", "editor"): {S.PUBLISHED, S.SCHEDULED, S.PENDING},
    ("withdraw", "admin"): {S.PUBLISHED, S.SCHEDULED, S.PENDING},
    ("withdraw", "system"): {S.PUBLISHED, S.SCHEDULED, S.PENDING},
    ("unschedule", "owner"): {S.SCHEDULED, S.PENDING},
    ("approve", "editor"): {S.PENDING},
    ("approve", "admin"): {S.PENDING},
    ("reject", "editor"): {S.PENDING},
    ("reject", "admin"): {S.PENDING},
    ("publish", "editor"): set(STATES),
    ("publish", "admin"): set(STATES),
    ("publish", "system"): set(STATES),
    ("to_draft", "editor"): {S.SCHEDULED, S.PENDING},
    ("to_draft", "admin"): {S.SCHEDULED, S.PENDING},
    ("to_draft", "system"): set(STATES),
    ("delete", "owner"): set(STATES),
    ("delete", "editor"): set(STATES),
    ("delete", "admin"): set(STATES),
}


def _expected_after(name: str, actor: str, before: str) -> str:
    """Where each allowed transition leads (no probation, no future time, no take-down)."""
    return {
        "submit": S.PUBLISHED,
        "retract": S.WITHDRAWN if before == S.PUBLISHED else S.DRAFT,
        "withdraw": S.WITHDRAWN,
        "unschedule": S.DRAFT,
        "approve": S.PUBLISHED,
        "reject": S.REJECTED,
        "publish": S.PUBLISHED,
        "to_draft": S.DRAFT,
        "delete": S.WITHDRAWN if before in (S.PUBLISHED, S.SCHEDULED, S.PENDING) else before,
    }[name]


CALLS = {
    "submit": lambda a, by: transitions.submit(a, by),
    "retract": lambda a, by: transitions.retract(a, by),
    "withdraw": lambda a, by: transitions.withdraw(a, by, "理由"),
    "unschedule": lambda a, by: transitions.unschedule(a, by),
    "approve": lambda a, by: transitions.approve(a, by, "通过"),
    "reject": lambda a, by: transitions.reject(a, by, "不符合规范"),
    "publish": lambda a, by: transitions.publish(a, by, timezone.now() - dt.timedelta(minutes=5)),
    "to_draft": lambda a, by: transitions.to_draft(a, by),
    "delete": lambda a, by: transitions.delete(a, by),
}


def _article_in(state: str, creator: Creator) -> Article:
    """An article of `creator`'s in `state`, put there the way the data would have it."""
    article = make_article(creator, f"状态 {state}", publish=False)
    published_at = {S.SCHEDULED: timezone.now() + dt.timedelta(days=1), S.DRAFT: None, S.PENDING: None}.get(
        state, timezone.now() - dt.timedelta(hours=1)
    )
    Article.objects.filter(pk=article.pk).update(status=state, published_at=published_at)
    article.refresh_from_db()
    return article


@pytest.fixture
def people() -> dict[str, Any]:
    owner = make_writer("owner")
    return {
        "creator": owner,
        "owner": owner.user,
        "other creator": make_writer("other").user,
        "reader": make_user("someone"),
        "editor": make_user("ed", role=User.Role.EDITOR),
        "admin": User.objects.create_superuser("chief", "chief@example.com", "pw-chief-123", role=User.Role.ADMIN),
        "system": None,
    }


@pytest.mark.parametrize("name", list(CALLS))
def test_every_state_transition_and_actor_does_what_the_rules_say(people: dict[str, Any], name: str) -> None:
    problems = []
    for state in STATES:
        for actor in ACTORS:
            article = _article_in(state, people["creator"])
            entries = Entry.objects.count()
            allowed = state in ALLOWED.get((name, actor), set())
            try:
                CALLS[name](article, people[actor])
                outcome = "done"
            except (transitions.WrongState, transitions.NotAllowed):
                outcome = "refused"
            stored = Article.objects.get(pk=article.pk)
            if allowed:
                want = _expected_after(name, actor, state)
                if outcome != "done" or stored.status != want:
                    problems.append(f"{name} by {actor} from {state}: {outcome}, now {stored.status} (want {want})")
                elif Entry.objects.count() == entries:
                    problems.append(f"{name} by {actor} from {state}: no audit entry")
            elif outcome != "refused" or stored.status != state or Entry.objects.count() != entries:
                problems.append(f"{name} by {actor} from {state}: {outcome}, now {stored.status} (should be refused)")
    assert problems == []


def test_a_deleted_article_takes_no_transition(people: dict[str, Any]) -> None:
    article = _article_in(S.DRAFT, people["creator"])
    transitions.delete(article, people["owner"])
    for name, call in CALLS.items():
        with pytest.raises(transitions.WrongState):
            call(Article.objects.get(pk=article.pk), people["admin"])
        assert Article.objects.get(pk=article.pk).status == S.DRAFT, name


def test_an_editors_take_down_is_stored_on_the_row_and_lifted_only_by_an_editor(people: dict[str, Any]) -> None:
    article = _article_in(S.PUBLISHED, people["creator"])
    transitions.withdraw(article, people["editor"], "谣言")
    stored = Article.objects.get(pk=article.pk)
    assert stored.taken_down_at is not None and stored.taken_down_by == people["editor"]
    assert stored.taken_down_reason == "谣言"
    transitions.submit(stored, people["owner"])
    assert stored.status == S.PENDING
    transitions.approve(stored, people["editor"], "核实无误")
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == S.PUBLISHED and stored.taken_down_at is None


def test_the_creators_own_withdrawal_is_no_take_down(people: dict[str, Any]) -> None:
    article = _article_in(S.PUBLISHED, people["creator"])
    transitions.withdraw(article, people["owner"])
    assert Article.objects.get(pk=article.pk).taken_down_at is None
    transitions.submit(article, people["owner"])
    assert article.status == S.PUBLISHED


def test_no_module_but_the_transitions_assigns_an_articles_status() -> None:
    """The door is the only one: no other module of tidings/ writes Article.status — by an
    attribute assignment, an UPDATE through Article's manager, or a constructor argument."""
    root = Path(__file__).resolve().parents[2] / "tidings"
    found = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel == "articles/transitions.py" or "/migrations/" in rel:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                    text = ast.get_source_segment(source, node) or ""
                    if not re.search(r"Application|Report", text):  # moderation's own rows
                        found.append(f"{rel}:{node.lineno}: {text}")
            elif isinstance(node, ast.Call) and any(k.arg == "status" for k in node.keywords):
                func = ast.get_source_segment(source, node.func) or ""
                if (func.endswith(".update") and "Article" in func) or func == "Article":
                    found.append(f"{rel}:{node.lineno}: {ast.get_source_segment(source, node)}")
    assert found == []


# --- the holes, as people reach them ---------------------------------------------------------


FORM = {"title": "一篇文章", "body_md": "正文。", "channel": "news", "ref_count": "0"}


def _studio(creator: Creator) -> Client:
    client = Client()
    client.force_login(creator.user)
    return client


def test_a_take_down_in_the_admin_is_audited_and_holds_against_resubmission(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    creator = make_writer("takedown")
    article = make_article(creator, "被举报的文章")
    chief = User.objects.create_superuser("chief", "chief@example.com", "pw-chief-123", role=User.Role.ADMIN)
    client.force_login(chief)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/articles/article/", {"action": "withdraw", "_selected_action": [str(article.pk)], "index": "0"}
        )
    assert Article.objects.get(pk=article.pk).status == S.WITHDRAWN
    assert Entry.objects.filter(action="article.withdraw", target_id=article.pk, actor=chief).exists()
    studio = _studio(creator)
    studio.post(f"/studio/a/{article.pk}/", {**FORM, "version": "1", "action": "publish"})
    assert Article.objects.get(pk=article.pk).status == S.PENDING
    assert Client().get(f"/a/{article.pk}/").status_code == 404


def test_a_take_down_in_the_admin_change_form_holds_too(client: Client) -> None:
    creator = make_writer("takedown2")
    article = make_article(creator, "另一篇被举报的文章")
    chief = User.objects.create_superuser("chief", "chief@example.com", "pw-chief-123", role=User.Role.ADMIN)
    client.force_login(chief)
    page = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert page.status_code == 200
    form = {
        "creator": article.creator_id, "channel": article.channel_id, "title": article.title, "slug": "",
        "summary": "", "body_md": article.body_md, "cover": "", "tags": "[]", "lang": "zh-Hans",
        "status": "withdrawn", "published_at_0": "2024-01-02", "published_at_1": "08:00:00",
        "created_at_0": "2024-01-01", "created_at_1": "00:00:00", "updated_at_0": "2024-01-01",
        "updated_at_1": "00:00:00", "references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0",
    }  # fmt: skip
    assert client.post(f"/admin/articles/article/{article.pk}/change/", form).status_code == 302
    assert Entry.objects.filter(action="article.withdraw", target_id=article.pk, actor=chief).exists()
    # A change the transitions refuse (only an article in review can be rejected) is explained in
    # the form, and nothing changes.
    refused = client.post(f"/admin/articles/article/{article.pk}/change/", {**form, "status": "rejected"})
    assert refused.status_code == 200 and "不能把" in refused.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.WITHDRAWN
    _studio(creator).post(f"/studio/a/{article.pk}/", {**FORM, "action": "publish"})
    assert Article.objects.get(pk=article.pk).status == S.PENDING


def test_withdrawing_a_resubmission_does_not_lift_an_editors_take_down(editor: User) -> None:
    """The attack: an editor withdraws; the creator submits, withdraws the submission, and submits
    again. The third step used to publish without review."""
    creator = make_writer("persistent")
    article = make_article(creator, "被撤下的文章")
    from tidings.moderation import actions as moderation

    moderation.report_article(article, make_user("reporter"), "不实信息")
    moderation.withdraw_reported_article(Article.objects.get(pk=article.pk), editor, "核实为不实信息")
    studio = _studio(creator)
    studio.post(f"/studio/a/{article.pk}/", {**FORM, "action": "publish"})
    assert Article.objects.get(pk=article.pk).status == S.PENDING
    studio.post(f"/studio/a/{article.pk}/withdraw/")
    assert Article.objects.get(pk=article.pk).status == S.DRAFT
    studio.post(f"/studio/a/{article.pk}/", {**FORM, "action": "publish"})
    assert Article.objects.get(pk=article.pk).status == S.PENDING
    assert Client().get(f"/a/{article.pk}/").status_code == 404


def test_the_importer_refuses_a_date_in_year_one_with_a_clear_reason(tmp_path: Path) -> None:
    """It answered "unexpected OverflowError" before the importer shared the site's date parser."""
    path = tmp_path / "old.md"
    path.write_text("---\ntitle: 太早的文章\ndate: 0001-01-01\n---\n\n正文。\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), stdout=io.StringIO(), stderr=err)
    assert f"error: {path}: date the year 1 is outside 1900–9998" in err.getvalue()
    assert "OverflowError" not in err.getvalue()
    assert not Article.objects.exists()
