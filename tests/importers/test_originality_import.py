"""Import and 原创: a file declared original over an earlier article of another creator is
imported, MATCHED and in the review queue; 转载 and 创作声明 come from the front matter."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import make_article, make_writer
from tests.originality_texts import COPY, ORIGINAL
from tidings.articles.models import Article, OriginalityMatch

pytestmark = pytest.mark.django_db


def run(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_declared_original_that_matches_goes_to_the_review_queue(tmp_path: Path) -> None:
    earlier = make_article(make_writer("first"), "江城内涝治理见成效", body=ORIGINAL)
    path = tmp_path / "copy.md"
    path.write_text(
        f"---\ntitle: 搬运的文章\nauthor: porter\nchannel: news\noriginal: true\n---\n\n{COPY}\n", encoding="utf-8"
    )

    out, _ = run(path)

    article = Article.objects.get(title="搬运的文章")
    assert out == f"imported /a/{article.pk}/\n"
    assert article.status == Article.Status.PUBLISHED
    assert article.original and article.original_check == Article.OriginalCheck.MATCHED
    assert not article.shows_original
    match = OriginalityMatch.objects.get(article=article)
    assert match.earlier_id == earlier.pk and match.similarity >= 0.6 and match.decided_at is None


def test_repost_and_statements_are_read_from_the_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "repost.md"
    path.write_text(
        "---\ntitle: 转载的文章\nauthor: reposter\nchannel: news\nrepost_source: 江城日报\nrepost_url: https://example.com/a\n"
        "statements: [个人观点仅供参考, ai]\n---\n\n" + ORIGINAL + "\n",
        encoding="utf-8",
    )
    run(path)

    article = Article.objects.get(title="转载的文章")
    assert (article.repost_source, article.repost_url) == ("江城日报", "https://example.com/a")
    assert article.statements == ["ai", "opinion"]
    assert article.original_check == Article.OriginalCheck.NONE


def test_a_malformed_repost_url_is_reported_and_nothing_imported(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text(
        "---\ntitle: 坏链接\nauthor: reposter\nchannel: news\nrepost_source: 某报\nrepost_url: 'javascript:alert(1)'\n---\n\n正文。\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError):
        run(path)

    assert not Article.objects.filter(title="坏链接").exists()
