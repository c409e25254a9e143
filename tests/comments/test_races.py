"""Counts that are true under concurrency (issue 11.6 and 11.4): eight threads posting, deleting
and voting at once leave exact counts. The races need PostgreSQL (SQLite serialises writers; the
in-memory test database locks whole tables between threads, so they run on PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tests.comments.conftest import commenter
from tests.conftest import make_article, make_writer
from tidings.articles.models import Article
from tidings.comments import actions
from tidings.comments.models import Comment, Thread

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers; the race needs PostgreSQL"),
]


def at_once(jobs: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # noqa: BLE001 — collected and reported by the test
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


def test_eight_readers_posting_at_once_give_exact_counts(spec_channels, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENT_INTERVAL_SECONDS = 0
    story = make_article(make_writer("bingfa"), "并发跟帖")
    readers = [commenter(f"r{i}") for i in range(4)]
    # Two comments each from four readers, all at once: 8 comments, 4 participants.
    jobs = [lambda u=u, i=i: actions.post_comment(u, story, f"{u.username} 第{i}条") for u in readers for i in range(2)]
    assert at_once(jobs) == []
    assert Comment.objects.filter(article=story).count() == 8
    assert Article.objects.get(pk=story.pk).comments_count == 8
    assert Thread.objects.get(article=story).participants_count == 4
    # Each reader deletes one of their two at once: 4 comments, still 4 participants …
    mine = [Comment.objects.filter(author=u).first() for u in readers]
    assert at_once([lambda u=u, c=c: actions.delete_own(u, c) for u, c in zip(readers, mine, strict=True)]) == []
    assert Article.objects.get(pk=story.pk).comments_count == 4
    assert Thread.objects.get(article=story).participants_count == 4
    # … and the other one too, twice over (a double click): 0 and 0, never negative.
    rest = [Comment.objects.filter(author=u, status="visible").first() for u in readers]
    jobs = [lambda u=u, c=c: actions.delete_own(u, c) for u, c in zip(readers, rest, strict=True) for _ in range(2)]
    assert at_once(jobs) == []
    assert Article.objects.get(pk=story.pk).comments_count == 0
    assert Thread.objects.get(article=story).participants_count == 0


def test_eight_voters_at_once_and_switching_give_exact_tallies(spec_channels) -> None:  # type: ignore[no-untyped-def]
    story = make_article(make_writer("toupiao"), "并发投票")
    target = actions.post_comment(commenter("beitou"), story, "请投票").comment
    voters = [commenter(f"v{i}") for i in range(8)]
    assert at_once([lambda v=v: actions.vote(v, target, 1) for v in voters]) == []
    target.refresh_from_db()
    assert (target.up_count, target.down_count) == (8, 0)
    # Half switch to 踩, each sending it twice at once; the rest take theirs back.
    jobs: list[Callable[[], object]] = []
    for v in voters[:4]:
        jobs += [lambda v=v: actions.vote(v, target, -1)] * 2
    jobs += [lambda v=v: actions.vote(v, target, 0) for v in voters[4:]]
    assert at_once(jobs) == []
    target.refresh_from_db()
    assert (target.up_count, target.down_count) == (0, 4)
    assert target.votes.count() == 4
