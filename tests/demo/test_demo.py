"""The demo generator: `tidings demo` and tidings.demo.generator.generate."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import math
import random
import re

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from tests.demo.conftest import NOW, Demo
from tidings.accounts.models import User
from tidings.articles.models import Article, Image, Reference
from tidings.articles.ranking import engagement, hot_score
from tidings.channels.models import Channel, Pick
from tidings.comments.models import Comment, Vote
from tidings.creators.models import Creator, Follow
from tidings.demo import generator
from tidings.demo.generator import READER_PREFIX, generate, home_channels
from tidings.demo.pictures import draw_avatar
from tidings.demo.text import MAX_BODY_CHARS, MIN_CJK, Picture, cjk_count, is_plural_en, write_article
from tidings.demo.words import TITLES_EN, TOPICS
from tidings.lib.images import ProcessedImage

SPEC_SLUGS = [
    row[0] for row in importlib.import_module("tidings.channels.migrations.0002_default_channels").DEFAULT_CHANNELS
]
IMAGE = re.compile(r'!\[([^\]]+)\]\((/media/[^ )]+) "([^"]+)"\)')


def snapshot() -> list[tuple[object, ...]]:
    """Everything the seed decides, in creation order, without database ids."""
    rows: list[tuple[object, ...]] = []
    for a in Article.objects.select_related("creator", "channel").prefetch_related("references").order_by("id"):
        refs = [(r.title, r.source, r.published_at, r.position) for r in a.references.all()]
        rows.append(
            (
                *(a.title, a.slug, a.summary, a.body_md, a.body_html, a.tags, a.lang, a.original, a.cover),
                *(a.channel.slug, a.creator.handle, a.creator.name, a.creator.motto, a.creator.badge),
                *(a.creator.followers_count, a.published_at, a.created_at, a.hot_score, tuple(refs)),
                *(a.views_count, a.shares_count, a.comments_count, a.likes_count),
                threads(a),
            )
        )
    return rows


def threads(article: Article) -> tuple[tuple[object, ...], ...]:
    """The article's comments in time order, each naming its parent by position, and its votes."""
    comments = list(Comment.objects.filter(article=article).select_related("author").order_by("created_at", "id"))
    position = {c.pk: i for i, c in enumerate(comments)}
    votes: dict[int, list[tuple[str, int]]] = {}
    for v in Vote.objects.filter(comment__article=article).select_related("user").order_by("user__username"):
        votes.setdefault(v.comment_id, []).append((v.user.username, v.value))
    return tuple(
        (
            *(c.author.username, c.author.first_name, c.body, c.status, c.ip_region, c.depth, c.created_at),
            *(position.get(c.parent_id or 0), c.up_count, c.down_count, c.rank, tuple(votes.get(c.pk, []))),
        )
        for c in comments
    )


def remove_demo_content() -> None:
    Pick.objects.all().delete()
    Reference.objects.all().delete()
    Article.objects.all().delete()
    Follow.objects.all().delete()
    Creator.objects.all().delete()
    User.objects.filter(username__startswith=READER_PREFIX).delete()


@pytest.mark.django_db
def test_it_fills_every_spec_channel(demo: Demo) -> None:
    counts = dict(Channel.objects.annotate(n=Count("articles")).values_list("slug", "n"))
    assert all(counts[slug] > 0 for slug in SPEC_SLUGS), counts
    assert demo.summary.channels == 11


def test_a_creator_name_with_a_keyword_names_its_home_channels() -> None:
    assert home_channels("重庆数码观察") == ("mobile", "tech")
    assert home_channels("上海教育工作室") == ("edu", "open")
    assert home_channels("财经早班车") == ("money",)
    assert home_channels("杭州汽车周刊") == ("auto",)
    assert home_channels("王伟") == home_channels("Emma Clarke") == ()


@pytest.mark.django_db
def test_each_creator_writes_in_channels_that_fit_its_name(demo: Demo, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = demo.media
    remove_demo_content()
    generate(articles=80, creators=30, seed=3, now=NOW)  # enough creators for several outlets
    outlets = 0
    for creator in Creator.objects.all():
        channels = set(Article.objects.filter(creator=creator).values_list("channel__slug", flat=True))
        fitting = home_channels(creator.name)
        if fitting:
            outlets += 1
            assert channels <= set(fitting), (creator.name, channels)
        assert creator.kind == Creator.Kind.INDIVIDUAL or fitting, creator.name
    assert outlets >= 3


@pytest.mark.django_db
def test_it_writes_chinese_bodies_of_realistic_length(demo: Demo) -> None:
    chinese = Article.objects.exclude(lang="en")
    assert chinese.count() == 37
    for a in chinese:
        assert cjk_count(a.body_md) >= MIN_CJK and len(a.body_md) <= MAX_BODY_CHARS, (a.title, len(a.body_md))
        assert 2 <= len(re.findall(r"^## ", a.body_md, re.M)) <= 5
        assert 1 <= len(IMAGE.findall(a.body_md)) <= 3
        assert cjk_count(a.title) >= 4 and a.summary and a.summary in a.body_md


@pytest.mark.django_db
def test_it_writes_some_articles_in_english(demo: Demo) -> None:
    english = list(Article.objects.filter(lang="en"))
    assert len(english) == demo.summary.english == 3  # 8% of 40
    for a in english:
        assert a.title.isascii() and a.slug and cjk_count(a.body_md) == 0
        assert 1000 <= len(a.body_md) <= MAX_BODY_CHARS
        assert "Abstract illustration" in a.body_html


@pytest.mark.django_db
def test_images_render_as_responsive_pictures_with_alt_text(demo: Demo) -> None:
    assert Image.objects.count() == demo.summary.images == 30
    for image in Image.objects.all():
        assert (demo.media / image.path).exists()
        assert all((demo.media / str(v["webp"])).exists() for v in image.variants)
    for a in Article.objects.all():
        shown = IMAGE.findall(a.body_md)
        assert a.body_html.count("<picture>") == len(shown) > 0
        for alt, _src, caption in shown:
            assert f'alt="{alt}"' in a.body_html
            assert f"<figcaption>{caption}</figcaption>" in a.body_html
        assert 'type="image/webp"' in a.body_html
    with_cover = Article.objects.exclude(cover="")
    assert 0 < with_cover.count() < 40
    assert all((demo.media / a.cover).exists() for a in with_cover)


@pytest.mark.django_db
def test_articles_cite_references_published_before_them(demo: Demo) -> None:
    refs = Reference.objects.select_related("article")
    assert refs.count() == demo.summary.references > 0
    for r in refs:
        assert r.title and r.source
        assert r.published_at is not None and r.article.published_at is not None
        assert r.published_at < r.article.published_at
    per_article = Article.objects.annotate(n=Count("references")).values_list("n", flat=True)
    assert max(per_article) <= 3 and min(per_article) == 0


@pytest.mark.django_db
def test_creators_have_full_profiles_and_consistent_counts(demo: Demo) -> None:
    creators = Creator.objects.annotate(
        published=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED), distinct=True),
        followed_by=Count("follows", distinct=True),
    )
    assert len(creators) == demo.summary.creators == 6
    for c in creators:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.handle), c.handle
        assert c.name and c.motto and c.bio
        assert c.avatar.endswith(".jpg") and (demo.media / c.avatar).exists()
        assert c.badge in Creator.Badge.values and c.kind in Creator.Kind.values
        assert c.articles_count == c.published
        assert c.followers_count == c.followed_by
    assert sum(c.followers_count for c in creators) == demo.summary.follows > 0
    assert User.objects.filter(username__startswith=READER_PREFIX).count() == demo.summary.readers


@pytest.mark.django_db
def test_hot_scores_follow_the_ranking_formula(demo: Demo) -> None:
    for a in Article.objects.all():
        weighted = engagement(a.views_count, a.shares_count, a.comments_count, a.likes_count)
        assert a.hot_score == pytest.approx(hot_score(a.published_at, weighted))
    views = sorted(Article.objects.values_list("views_count", flat=True))
    # Heavy-tailed: the most-read article draws several times the median.
    assert views[-1] > 3 * views[len(views) // 2]


@pytest.mark.django_db
def test_articles_are_published_over_the_last_30_days(demo: Demo) -> None:
    times = [t for t in Article.objects.values_list("published_at", flat=True) if t is not None]
    assert len(times) == 40
    assert all(NOW - dt.timedelta(days=30) <= t < NOW for t in times)
    assert max(times) - min(times) > dt.timedelta(days=10)
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == 40


@pytest.mark.django_db
def test_tags_name_the_topic_and_the_body_is_about_it(demo: Demo) -> None:
    for a in Article.objects.select_related("channel"):
        topics = {t.name: t for t in TOPICS[a.channel.slug]}
        assert a.tags[0] in topics, a.tags
        topic = topics[a.tags[0]]
        keywords = topic.keywords_en if a.lang == "en" else topic.keywords
        assert all(tag in keywords or tag == topic.name for tag in a.tags[1:])
        mentions = sum(a.body_md.count(k) for k in keywords)
        assert mentions >= 15, (a.title, mentions)


@pytest.mark.django_db
def test_originals_channels_carry_mostly_original_articles(demo: Demo) -> None:
    originals = Article.objects.filter(channel__kind=Channel.Kind.ORIGINALS)
    assert originals.filter(original=True).count() > originals.count() / 2
    assert 0 < demo.summary.originals < 40


@pytest.mark.django_db
def test_box_channels_get_featured_stories(demo: Demo) -> None:
    picks = Pick.objects.select_related("article", "channel")
    assert picks.count() == demo.summary.picks > 0
    assert {p.channel.slug for p in picks} <= set(Channel.objects.boxes().values_list("slug", flat=True))
    assert all(p.article.channel_id == p.channel_id for p in picks)
    assert Pick.objects.live().count() == picks.count()


@pytest.mark.django_db
def test_the_same_seed_and_now_give_the_same_content(demo: Demo, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = demo.media  # the image pool is already there, so it is reused
    before = snapshot()
    remove_demo_content()
    generate(articles=40, creators=6, seed=7, now=NOW)
    assert snapshot() == before


def test_text_is_a_pure_function_of_the_generator_state() -> None:
    topic = TOPICS["tech"][0]
    pictures = [Picture("/media/img/aa/x-1200.jpg", "抽象配图：测试", "Abstract illustration: test")]

    def write(seed: int, lang: str = "zh-Hans") -> tuple[str, str, list[str]]:
        d = write_article(random.Random(seed), topic, "tech", lang=lang, pictures=pictures, references=2)
        return d.title, d.body_md, d.references

    assert write(5) == write(5)
    assert write(5) != write(6)
    assert write(5, "en") == write(5, "en")


@pytest.mark.django_db
def test_the_command_prints_progress_and_a_summary(demo: Demo, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = demo.media
    out = io.StringIO()
    call_command(
        "demo", "--articles", "12", "--creators", "3", "--seed", "2", "--now", "2025-06-01T20:00:00+08:00", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert "images 30/30" in lines and "creators 3/3" in lines
    assert "articles 0/12" in lines and "articles 12/12" in lines
    assert "comments 0/12" in lines and "comments 12/12" in lines
    assert any(line.startswith("comment rows 0/") for line in lines) and any(
        line.startswith("votes 0/") for line in lines
    )
    assert lines[-1].startswith("Created 12 articles") and " comments with " in lines[-1]
    assert Article.objects.count() == 40 + 12
    # Taken handles get a suffix instead of failing; the image pool is shared.
    assert Creator.objects.count() == 6 + 3 and Image.objects.count() == 30


@pytest.mark.django_db
def test_a_failure_leaves_no_rows_and_no_new_files(demo: Demo, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = demo.media
    processed: list[ProcessedImage] = []
    real = generator.process_image

    def spy(data: bytes, *, name: str = "image"):  # type: ignore[no-untyped-def]
        processed.append(real(data, name=name))
        return processed[-1]

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(generator, "process_image", spy)
    monkeypatch.setattr(Reference.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(articles=5, creators=2, seed=99, now=NOW)
    written = [path for p in processed for path in p.written]
    assert written, "the new creators' avatars were written first"
    assert not any(p.exists() for p in written)
    assert Article.objects.count() == 40 and Creator.objects.count() == 6


def test_it_refuses_a_site_without_creators() -> None:
    with pytest.raises(ValueError, match="creator"):
        generate(articles=5, creators=0)


def test_engagement_is_heavy_tailed_and_grows_with_age() -> None:
    rng = random.Random(1)
    young = [generator._engagement(rng, dt.timedelta(hours=1), 1.0)[0] for _ in range(2000)]
    old = [generator._engagement(rng, dt.timedelta(days=5), 1.0)[0] for _ in range(2000)]
    assert sum(old) > 5 * sum(young)
    old.sort()
    assert old[-1] > 20 * old[len(old) // 2]
    assert all(not math.isnan(v) for v in old)


def english_drafts(n: int) -> list[tuple[str, str]]:
    """(title, body) of n English articles over all channels and topics, from several seeds."""
    out = []
    for seed in range(n):
        rng = random.Random(seed)
        slug = rng.choice(sorted(TOPICS))
        d = write_article(rng, rng.choice(TOPICS[slug]), slug, lang="en")
        out.append((d.title, d.body_md))
    return out


def test_english_plural_keywords_are_told_from_singular_ones() -> None:
    assert all(is_plural_en(k) for k in ("water levels", "electric vehicles", "retail sales", "check-ups"))
    assert not any(is_plural_en(k) for k in ("economics", "table tennis", "cognitive bias", "stress", "urban renewal"))


def test_english_headlines_are_grammatical() -> None:
    drafts = english_drafts(300)
    titles = [t for t, _ in drafts]
    assert len(set(titles)) > 200
    a_before_vowel = re.compile(r"\ba (?!(uni|use|usu|eu|one))[aeiou]", re.IGNORECASE)
    an_before_consonant = re.compile(r"(?<!')\ban (?!(hour|honest|honour|heir))[^aeiou\W]", re.IGNORECASE)
    doubled = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)
    small_words = {"a", "an", "the", "of", "for", "to", "on", "about", "with", "behind", "from", "in", "by"}
    for title, body in drafts:
        for text in (title, body):
            assert not a_before_vowel.search(text), title
            assert not an_before_consonant.search(text), title
            assert not doubled.search(text), title
        # Sentence case: a capital or a number first, small words lower case inside.
        assert title[0].isupper() or title[0].isdigit(), title
        assert not any(w in {x.capitalize() for x in small_words} for w in title.split()[1:]), title
        assert title.split()[-1].lower() not in small_words | {"and", "or"}, title
    # Where the template knows its subject, the verb agrees with the keyword's number.
    assert any(t.startswith("Why ") for t in titles)
    for title in titles:
        why = re.fullmatch(r"Why (.+) (deserves|deserve) a closer look", title)
        if why:
            assert (why.group(2) == "deserve") == is_plural_en(why.group(1)), title
    agreeing = [t for t in TITLES_EN if "[" in t]
    assert agreeing, "the template with a verb after its keyword marks both forms"


def test_a_chinese_avatar_shows_the_first_character_and_an_english_one_the_initials() -> None:
    navy = (24, 44, 96)
    # Chinese names: only the first 汉字 is drawn, whatever the pinyin initials are.
    assert draw_avatar("王伟", "ww", navy) == draw_avatar("王芳", "wf", navy)
    assert draw_avatar("王伟", "ww", navy) != draw_avatar("李伟", "ww", navy)
    # English names: the initials.
    assert draw_avatar("Emma Clarke", "EC", navy) != draw_avatar("Emma Hughes", "EH", navy)
