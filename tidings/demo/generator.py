"""Deterministic demo content: channels, creators, readers and follows, images, articles with
references, 跟帖 (comments, replies and votes: tidings.demo.comments), featured stories. `tidings demo` and `tidings run` (on an empty site) call `generate`.

Determinism: every choice comes from one random.Random(seed), drawn in a fixed order, and every
time is an offset from `now`; so the same arguments (with a fixed `now`) on an empty database
give identical titles, bodies, counters and times. On a database that already holds content the
run adds to it: creator handles that are taken get a suffix, existing images are reused.

Speed: pictures are drawn and processed once (a pool of 30, shared by all articles, reused by
later runs), article HTML is rendered with one image resolver built up front, and articles and
references are written with bulk_create, comments and votes too. Everything happens in one transaction: a failure
leaves no rows, and the files written so far are removed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from tidings.accounts.models import User
from tidings.articles import originality
from tidings.articles.derived import refresh_derived
from tidings.articles.models import STATEMENTS, Article, Image, Reference
from tidings.articles.ranking import engagement, hot_score
from tidings.articles.rendering import media_url, resolved
from tidings.articles.transitions import bulk_publish, refresh_creator_counts
from tidings.channels.models import Channel, Pick
from tidings.creator_index import compute as creator_index
from tidings.creators.models import Creator, Follow
from tidings.demo import stats as demo_stats
from tidings.demo import words
from tidings.demo.comments import Written, commenters_for, nickname, plan_threads
from tidings.demo.pictures import PictureSpec, draw_avatar, draw_picture, pool_specs
from tidings.demo.text import Picture, chinese_name, english_name, write_article
from tidings.lib.images import discard, process_image
from tidings.lib.markup import ResolvedImage, render_markdown
from tidings.lib.sitecache import invalidate_site
from tidings.lib.timefmt import site_zone

# Called as progress(done, total, what), e.g. (100, 500, "articles"): at 0, about every 5%, and at the end.
Progress = Callable[[int, int, str], None]

DAYS = 30  # articles are spread over the 30 days before `now`
ENGLISH_SHARE = 0.08
COVER_SHARE = 0.6
# 态度原创 channels carry mostly original work; news channels mostly reposted or aggregated news.
ORIGINAL_SHARE = {Channel.Kind.ORIGINALS: 0.85, Channel.Kind.NEWS: 0.17}
# News channels are busier than the originals tabs, as on the real platform.
CHANNEL_WEIGHT = {Channel.Kind.NEWS: 1.3, Channel.Kind.ORIGINALS: 0.7}
BADGES = (Creator.Badge.NONE, Creator.Badge.RISING, Creator.Badge.QUALITY, Creator.Badge.STAR)
BADGE_SHARE = (50, 25, 17, 8)
# How much more a badge holder writes, is read, and is followed than a creator without one.
OUTPUT = {Creator.Badge.NONE: 1.0, Creator.Badge.RISING: 1.3, Creator.Badge.QUALITY: 2.0, Creator.Badge.STAR: 3.0}
READS = {Creator.Badge.NONE: 1.0, Creator.Badge.RISING: 1.2, Creator.Badge.QUALITY: 2.0, Creator.Badge.STAR: 4.0}
FOLLOWS = {Creator.Badge.NONE: 1.0, Creator.Badge.RISING: 2.0, Creator.Badge.QUALITY: 5.0, Creator.Badge.STAR: 10.0}
READER_PREFIX = "demo_reader_"
# SHA-256 of each pool picture, so later runs in this process find them without drawing again.
_DIGESTS: dict[PictureSpec, str] = {}
PICKS_PER_BOX = 3


@dataclass(frozen=True)
class Summary:
    articles: int
    english: int
    originals: int
    references: int
    creators: int
    readers: int
    follows: int
    images: int
    picks: int
    channels: int
    comments: int
    votes: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"Created {self.articles} articles ({self.english} in English, {self.originals} original, "
            f"{self.references} references) by {self.creators} creators in {self.channels} channels; "
            f"{self.readers} readers with {self.follows} follows; {self.comments} comments with "
            f"{self.votes} votes; {self.images} images; {self.picks} featured stories; {self.seconds:.1f} s."
        )


def generate(
    articles: int = 500,
    creators: int = 40,
    seed: int = 1,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Create demo content in one transaction and return what was made.

    `now` anchors every time (default: timezone.now(); a naive value is in the site's zone).
    Articles are published between `now` − 30 days and `now` − 5 minutes.
    """
    if articles < 0:
        raise ValueError("articles must be 0 or more")
    if creators < 1:
        raise ValueError("at least one creator is needed")
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    started = time.perf_counter()
    written: list[Path] = []
    try:
        with transaction.atomic():
            run = _Run(random.Random(seed), now, _Reporter(progress), written)
            summary = run.build(articles, creators)
            transaction.on_commit(invalidate_site)
    except BaseException:
        discard(written)
        raise
    return dataclasses.replace(summary, seconds=time.perf_counter() - started)


class _Reporter:
    """Passes progress on at 0, at every `every` fraction of the total, and at the end."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def __call__(self, done: int, total: int, what: str, every: float = 0.05) -> None:
        step = max(1, math.ceil(total * every))
        if self.progress is not None and (done in (0, total) or done % step == 0):
            self.progress(done, total, what)


@dataclass
class _PoolImage:
    row: Image
    spec: PictureSpec

    @property
    def picture(self) -> Picture:
        return Picture(media_url(self.row.path), self.spec.alt("zh"), self.spec.alt("en"))

    @property
    def thumbnail(self) -> str:
        """The variant list items show as a cover: the first at least 480 px wide."""
        return next((str(v["jpg"]) for v in self.row.variants if int(v["w"]) >= 480), self.row.path)


@dataclass
class _Author:
    creator: Creator
    beats: list[str]


class _Run:
    def __init__(self, rng: random.Random, now: dt.datetime, report: _Reporter, written: list[Path]) -> None:
        self.rng = rng
        self.now = now
        self.report = report
        self.written = written

    def build(self, n_articles: int, n_creators: int) -> Summary:
        channels = spec_channels()
        pool = self.image_pool()
        authors = self.creators(n_creators, channels)
        readers, follows = self.readers_and_follows([a.creator for a in authors], commenters_for(n_articles))
        made, refs, written = self.articles(n_articles, channels, authors, pool, readers)
        picks = self.picks(made)
        refresh_creator_counts({a.creator.pk for a in authors})
        self.report(0, len(made), "indexing")
        refresh_derived((a.pk for a in made), progress=self.report)
        self.report(len(made), len(made), "indexing")
        # 原创 declarations judged as on a real site (each against what was published before it).
        originality.judge_published(a.pk for a in made)
        # 数据中心's rows for the demo's history, then the 创作者指数 they earn: the creators'
        # levels and badges from then on are the nightly run's, as on a real site.
        self.report(0, 2, "statistics")
        demo_stats.write(random.Random(self.rng.random()), self.now, [a.pk for a in made])
        self.report(1, 2, "statistics")
        creator_index.run(self.now.astimezone(site_zone()).date())
        self.report(2, 2, "statistics")
        return Summary(
            articles=len(made),
            english=sum(a.lang == "en" for a in made),
            originals=sum(a.original for a in made),
            references=refs,
            creators=len(authors),
            readers=len(readers),
            follows=follows,
            images=len(pool),
            picks=picks,
            channels=len(channels),
            comments=written.comments,
            votes=written.votes,
            seconds=0.0,
        )

    # ------------------------------------------------------------------ images
    def image_pool(self) -> list[_PoolImage]:
        """The shared pictures, processed once; rows (and files) from earlier runs are reused."""
        specs = pool_specs()
        pool = []
        for i, spec in enumerate(specs):
            self.report(i, len(specs), "images", every=0.1)
            data = b""
            if spec not in _DIGESTS:
                data = draw_picture(spec)
                _DIGESTS[spec] = hashlib.sha256(data).hexdigest()
            sha = _DIGESTS[spec]
            row = Image.objects.filter(sha256=sha).first()
            if row is None or not (Path(settings.MEDIA_ROOT) / row.path).exists():
                processed = process_image(data or draw_picture(spec), name=f"demo-picture-{i + 1}.png")
                self.written.extend(processed.save())
                fields = {
                    "path": processed.path,
                    "width": processed.width,
                    "height": processed.height,
                    "variants": processed.variants,
                    "thumbs": processed.thumbs,
                }
                row, _ = Image.objects.update_or_create(
                    sha256=sha, defaults=fields, create_defaults={**fields, "created_at": self.now}
                )
            pool.append(_PoolImage(row, spec))
        self.report(len(specs), len(specs), "images")
        return pool

    # ------------------------------------------------------------------ creators
    def creators(self, n: int, channels: list[Channel]) -> list[_Author]:
        rng = self.rng
        taken = set(Creator.objects.values_list("handle", flat=True))
        order = rng.sample(channels, len(channels))
        authors = []
        for i in range(n):
            self.report(i, n, "creators", every=0.1)
            primary = order[i % len(order)]
            creator, initials = self._profile(primary)
            # A name with a keyword (重庆数码观察) writes in the channels it names; a person's name
            # claims nothing, so a person keeps the channel drawn for it and sometimes one more.
            fitting = home_channels(creator.name)
            beats = [fitting[0] if fitting else primary.slug]
            extra = rng.choice(fitting[1:]) if len(fitting) > 1 else rng.choice(channels).slug
            if rng.random() < 0.4 and extra not in beats and (fitting or extra != primary.slug):
                beats.append(extra)
            creator.handle = _unique_handle(creator.handle, taken)
            creator.badge = rng.choices(BADGES, weights=BADGE_SHARE)[0]
            creator.created_at = self.now - dt.timedelta(days=rng.randint(40, 1200), seconds=rng.randint(0, 86399))
            colour = rng.choice(words.COLOURS)[2]
            processed = process_image(draw_avatar(creator.name, initials, colour), name=f"avatar-{i + 1}.png")
            creator.avatar = str(processed.variants[0]["jpg"])  # the smallest variant
            self.written.extend(processed.save(only=[creator.avatar]))
            authors.append(_Author(creator, beats))
        # With fewer creators than channels, people (whose names claim no channel) take on the
        # channels nobody writes in, so that a small demo still fills every channel.
        people = [a for a in authors if not home_channels(a.creator.name)]
        covered = {slug for a in authors for slug in a.beats}
        for j, channel in enumerate(c for c in channels if c.slug not in covered):
            if people:
                people[j % len(people)].beats.append(channel.slug)
        Creator.objects.bulk_create([a.creator for a in authors])
        self.report(n, n, "creators")
        return authors

    def _profile(self, beat: Channel) -> tuple[Creator, str]:
        """Name, handle (before de-duplication), kind, motto and bio of one creator, and the
        Latin initials its avatar shows where no installed font can draw 汉字."""
        rng = self.rng
        kind = rng.random()
        beat_zh, beat_py, beat_about = words.BEATS[beat.slug]
        if kind < 0.08:
            name = english_name(rng)
            initials = "".join(part[0] for part in name.split())
            return Creator(
                name=name,
                handle=slugify(name),
                kind=Creator.Kind.INDIVIDUAL,
                motto=rng.choice(words.MOTTOS_EN),
                bio=f"{name} writes about {beat.name_en.lower() or beat_py} for readers in China and beyond.",
            ), initials
        if kind < 0.3:
            name_tpl, handle_tpl, outlet_kind = rng.choice(words.OUTLETS)
            city, city_py, _ = rng.choice(words.CITIES)
            name = name_tpl.format(city=city, beat=beat_zh)
            handle = handle_tpl.format(cpy=city_py, bpy=beat_py)
            return Creator(
                name=name,
                handle=handle,
                kind=outlet_kind,
                motto=rng.choice(words.MOTTOS),
                bio=f"{name}由一支专注{beat_about}的编辑团队运营，每天更新{beat_zh}资讯与深度解读。",
            ), "".join(part[0] for part in handle.split("-")[:2])
        name, pinyin, initials = chinese_name(rng)
        years = rng.randint(2, 15)
        return Creator(
            name=name,
            handle=pinyin,
            kind=Creator.Kind.INDIVIDUAL,
            motto=rng.choice(words.MOTTOS),
            bio=f"{name}，长期关注{beat_about}，有{years}年写作经验。{rng.choice(words.BIO_EXTRAS)}",
        ), initials

    # ------------------------------------------------------------------ readers
    def readers_and_follows(self, creators: list[Creator], commenters: int) -> tuple[list[User], int]:
        """Reader accounts (no usable password, a nickname, joined before the demo's first
        article, so their comments are never held as a new account's): the first few follow
        creators, popular ones more; all of them comment and vote (tidings.demo.comments).

        Creator.followers_count is then set from the Follow rows, so the two always agree.
        """
        rng = self.rng
        n_following = min(40, max(6, len(creators)))
        n = max(n_following, commenters)
        names = [f"{READER_PREFIX}{i:02d}" for i in range(1, n + 1)]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        new = []
        for name in names:
            joined = self.now - dt.timedelta(days=rng.randint(DAYS + 1, 1500), seconds=rng.randint(0, 86399))
            nick = nickname(rng)
            if name not in existing:
                user = User(username=name, first_name=nick, role=User.Role.READER, date_joined=joined)
                user.set_unusable_password()
                new.append(user)
        User.objects.bulk_create(new, batch_size=500)
        readers = list(User.objects.filter(username__in=names).order_by("username"))
        weights = [FOLLOWS[Creator.Badge(c.badge)] for c in creators]
        follows = []
        for user in readers[:n_following]:
            k = rng.randint(1, min(8, len(creators)))
            for creator in _weighted_sample(rng, creators, weights, k):
                when = self.now - dt.timedelta(days=rng.randint(0, 60), seconds=rng.randint(0, 86399))
                follows.append(Follow(user=user, creator=creator, created_at=when))
        Follow.objects.bulk_create(follows, ignore_conflicts=True)
        counts = dict(
            Creator.objects.filter(pk__in=[c.pk for c in creators]).annotate(n=Count("follows")).values_list("pk", "n")
        )
        for c in creators:
            c.followers_count = counts.get(c.pk, 0)
        Creator.objects.bulk_update(creators, ["followers_count"])
        return readers, len(follows)

    # ------------------------------------------------------------------ articles
    def articles(
        self, n: int, channels: list[Channel], authors: list[_Author], pool: list[_PoolImage], readers: list[User]
    ) -> tuple[list[Article], int, Written]:
        """The articles with their references and 跟帖 (threads are drawn before the articles are
        written, so that each article is written once, with its true comment count)."""
        rng, now = self.rng, self.now
        resolver = _resolver(pool)
        writers: dict[str, list[_Author]] = {}
        for a in authors:
            for slug in a.beats:
                writers.setdefault(slug, []).append(a)
        # Every article is written by a creator whose name fits its channel, so a channel nobody
        # writes in (only when every creator is an outlet and there are fewer than channels) stays empty.
        channels = [c for c in channels if c.slug in writers]
        channel_weights = [CHANNEL_WEIGHT[Channel.Kind(c.kind)] for c in channels]
        # The first articles visit every channel once, so that even a small demo fills them all.
        coverage = rng.sample(channels, len(channels))
        n_english = round(n * ENGLISH_SHARE) or (1 if n >= 5 else 0)
        english = set(rng.sample(range(n), n_english))
        made: list[Article] = []
        cited: list[list[Reference]] = []
        for i in range(n):
            self.report(i, n, "articles")
            channel = coverage[i] if i < len(coverage) else rng.choices(channels, weights=channel_weights)[0]
            candidates = writers[channel.slug]
            author = rng.choices(candidates, weights=[OUTPUT[Creator.Badge(a.creator.badge)] for a in candidates])[0]
            creator = author.creator
            topic = rng.choice(words.TOPICS[channel.slug])
            lang = "en" if i in english else "zh-Hans"
            pictures = [p.picture for p in rng.sample(pool, rng.choice((1, 1, 2, 2, 2, 3)))]
            published_at = (now - dt.timedelta(seconds=rng.randint(300, DAYS * 86400))).replace(microsecond=0)
            local = timezone.localtime(published_at)
            n_refs = rng.choices((0, 1, 2, 3), weights=(25, 35, 25, 15))[0]
            draft = write_article(
                rng,
                topic,
                channel.slug,
                lang=lang,
                pictures=pictures,
                year=local.year,
                month=local.month,
                references=n_refs,
            )
            # `comments` is how many the article will draw; tidings.demo.comments writes them and
            # replaces the count with the visible ones.
            views, shares, comments, likes = _engagement(rng, now - published_at, READS[Creator.Badge(creator.badge)])
            original = rng.random() < ORIGINAL_SHARE[Channel.Kind(channel.kind)]
            cover = rng.choice(pool).thumbnail if rng.random() < COVER_SHARE else ""
            repost, statements = _declarations(draft.title, published_at, original, lang)
            made.append(
                Article(
                    creator=creator,
                    channel=channel,
                    title=draft.title,
                    slug=slugify(draft.title)[:120] if lang == "en" else "",
                    summary=draft.summary,
                    body_md=draft.body_md,
                    body_html=render_markdown(draft.body_md, resolver),
                    cover=cover,
                    tags=draft.tags,
                    lang=lang,
                    original=original,
                    # The demo's texts are written independently: the 原创 check passes them.
                    original_check=Article.OriginalCheck.PASSED if original else Article.OriginalCheck.NONE,
                    repost_source=repost[0],
                    repost_url=repost[1],
                    statements=statements,
                    published_at=published_at,
                    created_at=published_at - dt.timedelta(minutes=rng.randint(5, 600)),
                    updated_at=published_at,
                    views_count=views,
                    shares_count=shares,
                    comments_count=comments,
                    likes_count=likes,
                    hot_score=hot_score(published_at, engagement(views, shares, comments, likes)),
                )
            )
            publishers = words.PUBLISHERS_EN if lang == "en" else words.PUBLISHERS
            cited.append(
                [
                    Reference(
                        title=title,
                        source=rng.choice(publishers),
                        published_at=published_at - dt.timedelta(seconds=rng.randint(3600, 20 * 86400)),
                        position=j,
                    )
                    for j, title in enumerate(draft.references)
                ]
            )
        self.report(n, n, "articles")
        # Threads draw from a stream of their own, so that changing them leaves the articles alone.
        threads = plan_threads(random.Random(rng.getrandbits(64)), now, made, readers, self.report)
        bulk_publish(made, batch_size=100)
        refs = []
        for article, references in zip(made, cited, strict=True):
            for ref in references:
                ref.article = article
                refs.append(ref)
        Reference.objects.bulk_create(refs, batch_size=500)
        return made, len(refs), threads.save(self.report)

    # ------------------------------------------------------------------ picks
    def picks(self, made: list[Article]) -> int:
        """An editor's featured stories: the hottest new articles of each 要闻 box channel."""
        picks = []
        for channel in Channel.objects.boxes():
            ranked = sorted((a for a in made if a.channel_id == channel.pk), key=lambda a: (-a.hot_score, a.title))
            picks += [
                Pick(channel=channel, article=a, position=j, created_at=self.now)
                for j, a in enumerate(ranked[:PICKS_PER_BOX])
            ]
        Pick.objects.bulk_create(picks, ignore_conflicts=True)
        return len(picks)


def spec_channels() -> list[Channel]:
    """The 11 channels of the spec, created if an operator removed them, in page order."""
    # The migration holds the one list of spec channels; its module name starts with a digit.
    defaults = importlib.import_module("tidings.channels.migrations.0002_default_channels").DEFAULT_CHANNELS
    for slug, name, name_en, kind, order, in_boxes in defaults:
        Channel.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "kind": kind, "order": order, "in_boxes": in_boxes}
        )
    return list(Channel.objects.filter(slug__in=words.TOPICS).order_by("order", "id"))


def home_channels(name: str) -> tuple[str, ...]:
    """The channel slugs a creator's name promises (重庆数码观察 → mobile, tech), or () if none."""
    return next((slugs for keyword, slugs in words.NAME_CHANNELS if keyword in name), ())


def _resolver(pool: list[_PoolImage]) -> Callable[[str], ResolvedImage | None]:
    """What render_body does per article (one query each), done once for the whole pool."""
    by_src = {media_url(p.row.path): resolved(p.row) for p in pool}
    return by_src.get


def _engagement(rng: random.Random, age: dt.timedelta, reach: float) -> tuple[int, int, int, int]:
    """Views, shares, comments, likes: heavy-tailed (Pareto) reach, most of it in the first day."""
    hours = age.total_seconds() / 3600
    ripeness = 1 - math.exp(-hours / 20)
    views = min(3_000_000, int(rng.paretovariate(1.2) * 120 * reach * ripeness) + rng.randint(0, 40))
    shares = int(views * rng.uniform(0.002, 0.02))
    comments = int(views * rng.uniform(0.001, 0.012))
    likes = int(views * rng.uniform(0.01, 0.06))
    return views, shares, comments, likes


def _unique_handle(base: str, taken: set[str]) -> str:
    base = slugify(base)[:36].strip("-") or "creator"
    handle, n = base, 1
    while handle in taken:
        n += 1
        handle = f"{base}-{n}"
    taken.add(handle)
    return handle


def _weighted_sample(rng: random.Random, items: Sequence[Creator], weights: Sequence[float], k: int) -> list[Creator]:
    """k distinct items, each draw proportional to weight among those not yet drawn."""
    left = list(zip(items, weights, strict=True))
    chosen = []
    for _ in range(min(k, len(left))):
        i = rng.choices(range(len(left)), weights=[w for _, w in left])[0]
        chosen.append(left.pop(i)[0])
    return chosen


REPOST_SHARE = 0.25  # of the articles not declared original: 转载 with a (made-up) source
STATEMENT_SHARE = 0.15  # of all articles: one or two 创作声明


def _declarations(
    title: str, published_at: dt.datetime, original: bool, lang: str
) -> tuple[tuple[str, str], list[str]]:
    """转载 (a made-up source at a reserved example domain) and 创作声明 for one demo article, from a
    random stream of their own (seeded by the article), so the rest of the demo is unchanged."""
    side = random.Random(f"{title}|{published_at.isoformat()}")
    repost = ("", "")
    if not original and side.random() < REPOST_SHARE:
        source = side.choice(words.PUBLISHERS_EN if lang == "en" else words.PUBLISHERS)
        repost = (source, f"https://example.com/{hashlib.sha1(title.encode()).hexdigest()[:10]}")
    statements: list[str] = []
    if side.random() < STATEMENT_SHARE:
        picked = set(side.sample(list(STATEMENTS), side.choice((1, 1, 2))))
        statements = [code for code in STATEMENTS if code in picked]
    return repost, statements
