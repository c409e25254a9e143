"""Demo 跟帖: threads under the demo's articles, written in bulk.

The demo writes comments with its own writer instead of calling tidings.comments.actions per
comment (thousands of comments, each with its own transaction, limits and notifications, would
take minutes); what it stores is what the actions would have stored:

- `path` and `depth` from the parent, `up_count`/`down_count` equal to the Vote rows, `rank`
  from tidings.comments.ranking.rank;
- Participant rows (one per commenter and article, `visible` = their visible comments) and a
  Thread row per article with comments whose `participants_count` counts commenters with a
  visible comment;
- the article's `comments_count` is its number of visible comments, and its hot score is
  recomputed from it (tidings.articles.ranking), replacing the generator's made-up count.

What the threads look like: the number of comments per article is the made-up count the
generator drew from the article's reach (heavy-tailed: most articles a few, a few hundreds), up
to MAX_PER_ARTICLE. Comments arrive over time after publication, most in the first hours.
About two in five answer an earlier comment (popular and deep ones more often), so chains of
floors (盖楼) grow up to MAX_DEPTH; busy threads get one tower that runs all the way up. Votes
are heavy-tailed too (a few comments collect hundreds of 顶, most none), mostly 顶 with some
controversial and some disliked comments. Each reader has a home IP属地 (mainland provinces by
population, some 香港/台湾/澳门 and abroad) and comments from it most of the time. A few
comments were deleted by their authors, so some chains show 该跟帖已删除.

Everything is drawn from the random.Random it is given, in a fixed order: the same seed gives
the same threads. Bodies come from the templates in tidings.demo.comment_words, filled by the
article text's own Filler (the article's topic keywords and city): Chinese under Chinese
articles, English under English ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.articles.ranking import engagement, hot_score
from tidings.comments import ranking
from tidings.comments.models import Comment, Participant, Thread, Vote
from tidings.demo import comment_words as cw
from tidings.demo import words
from tidings.demo.lexicon import Lexicon, load
from tidings.demo.text import Filler

MAX_PER_ARTICLE = 500
MAX_DEPTH = 8  # floors above the deepest reply
MAX_VOTES = 400  # on one comment (half of all comments get none)
REPLY_SHARE = 0.4
DELETED_SHARE = 0.012
HOME_SHARE = 0.92  # comments posted from the reader's home region
ABROAD_EN_SHARE = 0.15  # extra share of readers abroad under English articles
BATCH = 1000

# Called as report(done, total, what), as tidings.demo.generator's reporter.
Report = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Written:
    comments: int  # rows, deleted ones included
    visible: int
    votes: int
    deepest: int  # floors above the deepest reply


@dataclass
class Planned:
    """One comment before it has a row (bench/comments.py plans its own and writes them with
    Threads.save)."""

    article: Article
    author: int
    parent: Planned | None
    depth: int
    body: str
    region: str
    created_at: dt.datetime
    deleted: bool
    popularity: float  # how many votes it will draw (before capping by the readers there are)
    updated_at: dt.datetime
    votes: list[tuple[int, int, dt.datetime]] = field(default_factory=list)  # (user id, ±1, when)
    row: Comment | None = None


def commenters_for(articles: int) -> int:
    """How many demo readers a site of `articles` articles needs so that busy threads have
    hundreds of distinct commenters and voters."""
    return min(3000, max(60, round(articles * 0.6)))


def nickname(rng: random.Random) -> str:
    """A reader's display name, as readers pick them: 杭州老张, 爱喝茶的猫, 网友k3Xq9a, momo2013."""
    style = rng.random()
    if style < 0.3:
        return rng.choice(words.CITIES)[0] + rng.choice(cw.NICK_SUFFIXES)
    if style < 0.55:
        return f"{rng.choice(cw.NICK_HABITS)}的{rng.choice(cw.NICK_THINGS)}"
    if style < 0.75:
        return "网友" + "".join(rng.choice(cw.NICK_ALPHABET) for _ in range(6))
    if style < 0.9:
        return rng.choice(cw.NICK_LATIN) + str(rng.choice((rng.randint(1, 99), rng.randint(1970, 2012))))
    surname = rng.choice(words.SURNAMES)[0]
    return rng.choice((f"老{surname}说事", f"{surname}先生", f"{surname}女士", f"{surname}老师"))


class _Regions:
    """IP属地 draws: mainland provinces by population, 香港/台湾/澳门, some countries abroad."""

    def __init__(self) -> None:
        mainland = 100 - sum(share for _, share in cw.ELSEWHERE) - cw.ABROAD_SHARE
        people = sum(n for _, n in cw.PROVINCES)
        abroad = sum(w for _, w in cw.COUNTRIES)
        pairs = [(name, mainland * n / people) for name, n in cw.PROVINCES]
        pairs += list(cw.ELSEWHERE)
        pairs += [(name, cw.ABROAD_SHARE * w / abroad) for name, w in cw.COUNTRIES]
        self.names = [name for name, _ in pairs]
        self.cum = list(itertools.accumulate(share for _, share in pairs))
        self.abroad = [name for name, _ in cw.COUNTRIES]
        self.abroad_cum = list(itertools.accumulate(w for _, w in cw.COUNTRIES))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cum)[0]

    def draw_abroad(self, rng: random.Random) -> str:
        return rng.choices(self.abroad, cum_weights=self.abroad_cum)[0]


class _Readers:
    """The demo readers who comment and vote: a home region each, and a heavy-tailed activity
    (a few write a lot, most now and then)."""

    def __init__(self, rng: random.Random, users: Sequence[User], regions: _Regions) -> None:
        order = list(users)
        rng.shuffle(order)
        self.ids = [u.pk for u in order]
        self.home = {u.pk: regions.draw(rng) for u in order}
        self.cum = list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(len(order))))

    def author(self, rng: random.Random, avoid: int | None = None) -> int:
        """A reader, the busy ones more often; never `avoid` (nobody answers themselves)."""
        i = bisect.bisect(self.cum, rng.random() * self.cum[-1])
        if self.ids[i] == avoid and len(self.ids) > 1:
            i = (i + 1 + rng.randrange(len(self.ids) - 1)) % len(self.ids)
        return self.ids[i]


class Threads:
    """Planned threads: drawn before the articles are saved (plan_threads), written after (save)."""

    def __init__(self, plans: list[Planned], votes: int) -> None:
        self.plans = plans
        self.votes = votes

    def save(self, report: Report) -> Written:
        """Write the rows; the articles must have been saved since planning."""
        _save(self.plans, report, self.votes)
        return Written(
            comments=len(self.plans),
            visible=sum(not p.deleted for p in self.plans),
            votes=self.votes,
            deepest=max((p.depth for p in self.plans), default=0),
        )


def plan_threads(
    rng: random.Random,
    now: dt.datetime,
    articles: Sequence[Article],
    readers: Sequence[User],
    report: Report,
    lexicon: Lexicon | None = None,
) -> Threads:
    """Comments, replies and votes for `articles` (not saved yet, each with the made-up
    `comments_count` it will draw) by `readers` (saved). Sets each article's comments_count to
    its visible comments and its hot_score to match, so the articles are written once."""
    if not articles or not readers:
        return Threads([], 0)
    lexicon = lexicon or load()
    regions = _Regions()
    people = _Readers(rng, readers, regions)
    busiest = max(range(len(articles)), key=lambda i: (articles[i].comments_count, -i))
    plans: list[Planned] = []
    for i, article in enumerate(articles):
        report(i, len(articles), "comments")
        size = min(MAX_PER_ARTICLE, article.comments_count)
        thread = _thread(rng, article, size, people, regions, now, lexicon, tower=MAX_DEPTH if i == busiest else 0)
        article.comments_count = sum(not p.deleted for p in thread)
        article.hot_score = hot_score(
            article.published_at,
            engagement(article.views_count, article.shares_count, article.comments_count, article.likes_count),
        )
        plans += thread
    report(len(articles), len(articles), "comments")
    return Threads(plans, _cast_votes(rng, plans, people, now))


# ------------------------------------------------------------------ one article's thread
def _thread(
    rng: random.Random,
    article: Article,
    size: int,
    people: _Readers,
    regions: _Regions,
    now: dt.datetime,
    lexicon: Lexicon,
    tower: int = 0,
) -> list[Planned]:
    if size <= 0:
        return []
    published = article.published_at or now
    age = max(60.0, (now - published).total_seconds())
    times = sorted(published + dt.timedelta(seconds=_delay(rng, age)) for _ in range(size))
    en = article.lang == "en"
    filler = filler_for(rng, article, lexicon)
    # Busy threads get one tower (盖楼): a run of replies each answering the one before.
    if not tower and size >= 20 and rng.random() < min(0.8, size / 150):
        tower = rng.randint(4, MAX_DEPTH)
    tower = min(tower, size - 1)
    tower_at = rng.randint(1, size - tower) if tower else -1
    scale = 0.15 * math.sqrt(size) + 0.1
    plans: list[Planned] = []
    for n, when in enumerate(times):
        parent: Planned | None = None
        if tower_at <= n < tower_at + tower:
            parent = plans[-1] if n > tower_at else _popular_top(rng, plans)
        elif plans and rng.random() < REPLY_SHARE:
            parent = _choose_parent(rng, plans)
        depth = parent.depth + 1 if parent else 0
        author = people.author(rng, avoid=parent.author if parent else None)
        home = people.home[author]
        region = home if rng.random() < HOME_SHARE else regions.draw(rng)
        if en and rng.random() < ABROAD_EN_SHARE:
            region = regions.draw_abroad(rng)
        early = 2.0 if n < max(3, size // 10) else 1.0
        deleted = rng.random() < DELETED_SHARE
        # A deleted comment was deleted some time after it was posted, before `now`.
        updated = when + dt.timedelta(seconds=min(rng.expovariate(1 / 3600), (now - when).total_seconds()))
        plans.append(
            Planned(
                article=article,
                author=author,
                parent=parent,
                depth=depth,
                body=comment_body(rng, filler, depth, region),
                region=region,
                created_at=when,
                deleted=deleted,
                popularity=(rng.paretovariate(1.1) - 1) * scale * early,
                updated_at=updated if deleted else when,
            )
        )
    return plans


def _delay(rng: random.Random, age: float) -> float:
    """Seconds after publication: most comments in the first hours, none after `now`."""
    d = rng.expovariate(1 / (6 * 3600))
    return d if d < age - 30 else rng.uniform(30, max(31.0, age - 30))


def filler_for(rng: random.Random, article: Article, lexicon: Lexicon | None = None) -> Filler:
    """The article text's slot filler for `article` (its topic's keywords, a city), for comment_body."""
    local = (article.published_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return Filler(rng, _topic(article), article.channel.slug, article.lang, local.year, local.month, lexicon or load())


def _topic(article: Article) -> words.Topic:
    topics = words.TOPICS.get(article.channel.slug, ())
    by_name = {t.name: t for t in topics}
    if article.tags and article.tags[0] in by_name:
        return by_name[article.tags[0]]
    return topics[0] if topics else next(iter(words.TOPICS.values()))[0]


def _popular_top(rng: random.Random, plans: list[Planned]) -> Planned:
    tops = [p for p in plans if p.depth == 0] or plans
    return rng.choices(tops, weights=[1 + p.popularity for p in tops])[0]


def _choose_parent(rng: random.Random, plans: list[Planned]) -> Planned | None:
    """Popular comments draw replies, and so do replies (a chain invites the next floor)."""
    open_ = [p for p in plans if p.depth < MAX_DEPTH]
    if not open_:
        return None
    weights = [(1 + p.popularity) ** 0.7 * (1 + 0.7 * p.depth) for p in open_]
    return rng.choices(open_, weights=weights)[0]


def comment_body(rng: random.Random, f: Filler, depth: int, home: str) -> str:
    """A top-level comment (depth 0) or a reply `depth` floors down, posted from `home`, in the
    language of the article `f` fills for."""
    en = f.en
    if depth == 0:
        if rng.random() < 0.25:
            text = rng.choice(cw.SHORT_EN if en else cw.SHORT)
        else:
            text = rng.choice(cw.TOP_EN if en else cw.TOP)
    else:
        kinds: tuple[tuple[str, ...], ...] = (
            (cw.AGREE_EN, cw.DISAGREE_EN, cw.ASK_EN, cw.FACT_EN, cw.JOKE_EN)
            if en
            else (cw.AGREE, cw.DISAGREE, cw.ASK, cw.FACT, cw.JOKE)
        )
        # Agreeing, disagreeing, asking, adding a fact, or joking about the chain itself (盖楼),
        # which the deeper it gets, the more it is about.
        weights = (30, 20, 15, 15, 4 + 12 * (depth - 1))
        text = rng.choice(rng.choices(kinds, weights=weights)[0])
    if "{home}" in text:
        text = text.replace("{home}", home if home != "未知" else f.city[2 if en else 0])
    if "{floor}" in text:
        text = text.replace("{floor}", str(rng.randint(1, depth)))
    text = f.fill(text)
    tail = rng.choice(cw.TAILS_EN if en else cw.TAILS)
    if tail[:1] in ("。", "！", "!") and text[-1:] in "。！？!?.":
        tail = ""  # no "说得对。！"
    return text + tail


# ------------------------------------------------------------------ votes
def _cast_votes(rng: random.Random, plans: list[Planned], people: _Readers, now: dt.datetime) -> int:
    """Who voted 顶 or 踩 on each comment, and when: distinct readers, never the author."""
    total = 0
    pool = people.ids
    for p in plans:
        n = min(len(pool) - 1, MAX_VOTES, int(p.popularity))
        if n <= 0:
            continue
        mood = rng.random()
        if mood < 0.05:
            share = rng.betavariate(1.2, 4)  # disliked
        elif mood < 0.17:
            share = rng.betavariate(2, 2)  # controversial
        else:
            share = rng.betavariate(5, 1.2)
        voters = [pk for pk in rng.sample(pool, n + 1) if pk != p.author][:n]
        span = max(1.0, (now - p.created_at).total_seconds())
        for pk in voters:
            d = rng.expovariate(1 / 7200)
            when = p.created_at + dt.timedelta(seconds=d if d < span else rng.uniform(0, span))
            p.votes.append((pk, 1 if rng.random() < share else -1, when))
        total += len(voters)
    return total


# ------------------------------------------------------------------ rows
def _save(plans: list[Planned], report: Report, votes: int) -> None:
    """Comments depth by depth (a reply's path needs its parent's id), then votes, participants
    and threads, in batches."""
    by_depth: dict[int, list[Planned]] = {}
    for p in plans:
        by_depth.setdefault(p.depth, []).append(p)
    report(0, len(plans), "comment rows")
    for depth in sorted(by_depth):
        level = by_depth[depth]
        rows = [_row(p) for p in level]
        Comment.objects.bulk_create(rows, batch_size=BATCH)
        for p, row in zip(level, rows, strict=True):
            p.row = row
    report(len(plans), len(plans), "comment rows")
    # Steps of a twentieth, so that the reporter (which passes on multiples of 5 %) shows them.
    step, written = max(1, math.ceil(votes / 20)), 0
    report(0, votes, "votes")
    for batch in _batches(_vote_rows(plans), step):
        Vote.objects.bulk_create(batch, batch_size=BATCH)
        written += len(batch)
        report(written, votes, "votes")
    participants: dict[tuple[int, int], int] = {}
    for p in plans:
        key = (p.article.pk, p.author)
        participants[key] = participants.get(key, 0) + (not p.deleted)
    Participant.objects.bulk_create(
        [Participant(article_id=a, user_id=u, visible=n) for (a, u), n in participants.items()], batch_size=BATCH
    )
    counted: dict[int, int] = {}
    for (a, _), n in participants.items():
        counted[a] = counted.get(a, 0) + (n > 0)
    # The articles are new (a run on a site with content adds to it), so none has a Thread yet.
    Thread.objects.bulk_create(
        [Thread(article_id=a, participants_count=n) for a, n in counted.items()], batch_size=BATCH
    )


def _row(p: Planned) -> Comment:
    up = sum(v > 0 for _, v, _ in p.votes)
    down = len(p.votes) - up
    parent = p.parent.row if p.parent else None
    path = f"{parent.path or '/'}{parent.pk}/" if parent else ""
    return Comment(
        article_id=p.article.pk,
        author_id=p.author,
        parent_id=parent.pk if parent else None,
        path=path,
        depth=p.depth,
        body=p.body,
        status=Comment.Status.DELETED if p.deleted else Comment.Status.VISIBLE,
        status_reason="作者删除" if p.deleted else "",
        up_count=up,
        down_count=down,
        rank=ranking.rank(up, down, p.created_at),
        ip_region=p.region,
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


def _vote_rows(plans: list[Planned]) -> Iterator[Vote]:
    for p in plans:
        assert p.row is not None
        for user_id, value, when in p.votes:
            yield Vote(comment_id=p.row.pk, user_id=user_id, value=value, created_at=when)


def _batches(rows: Iterator[Vote], size: int) -> Iterator[list[Vote]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch
