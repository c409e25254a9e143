"""Reading comments: the 热门 and 最新 orders, pages of them with their chains of floors (盖楼).

A reply is shown under the chain it answers, oldest floor first (1楼 … n楼). All the floors of a
page of comments come from one query by primary key over the ancestors named in their `path`,
so a page costs the same few queries whatever the depth (tests pin the count on both databases).
Chains longer than FULL_CHAIN floors show the first HEAD and the last TAIL floors and fold the
middle (展开中间 N 层, a <details> element, so it opens without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator

from tidings.comments.actions import generation_key, my_votes
from tidings.comments.models import Comment
from tidings.comments.ranking import QUALIFIED

PER_PAGE = 20
SECTION_SIZE = 10  # 热门跟帖 and 最新跟帖 under an article
FULL_CHAIN = 5
HEAD, TAIL = 2, 2


@dataclass(frozen=True)
class Author:
    name: str
    avatar_url: str  # "" → the first character on a colour
    avatar_text: str
    avatar_tone: int
    url: str  # the creator page, "" for a reader
    handle: str = ""  # the creator's handle, "" for a reader


@dataclass
class Floor:
    number: int
    comment: Comment
    author: Author

    @property
    def gone(self) -> str:
        """Why the floor's text is not shown ("" when it is)."""
        if self.comment.status == Comment.Status.VISIBLE:
            return ""
        if self.comment.status == Comment.Status.PENDING:
            return "该跟帖正在审核"
        return "该跟帖已删除"


@dataclass
class Entry:
    comment: Comment
    author: Author
    floors: list[Floor] = field(default_factory=list)
    mine: int = 0  # the viewer's vote

    @property
    def folded(self) -> bool:
        return len(self.floors) > FULL_CHAIN

    @property
    def head(self) -> list[Floor]:
        return self.floors[:HEAD] if self.folded else self.floors

    @property
    def middle(self) -> list[Floor]:
        return self.floors[HEAD:-TAIL] if self.folded else []

    @property
    def tail(self) -> list[Floor]:
        return self.floors[-TAIL:] if self.folded else []


def author_of(comment: Comment) -> Author:
    user = comment.author
    creator = getattr(user, "_creator_cache", None)
    if creator is None:
        try:
            creator = user.creator  # select_related("author__creator") in for_display()
        except Exception:  # noqa: BLE001 — RelatedObjectDoesNotExist: a reader without a creator profile
            creator = None
    if creator is not None:
        return Author(
            creator.name, creator.avatar_url if creator.avatar else "", creator.avatar_text,
            creator.avatar_tone, creator.get_absolute_url(), creator.handle,
        )  # fmt: skip
    name = user.get_full_name() or user.username
    text = name[0].upper() if name else "?"
    return Author(name, "", text, (user.pk or 0) % 8, "")


def with_chains(comments: list[Comment], viewer: object = None) -> list[Entry]:
    """Entries for `comments` with their floors: one query for all ancestors, one for the
    viewer's votes."""
    wanted = {pk for c in comments for pk in c.ancestor_ids()}
    ancestors = {a.pk: a for a in Comment.objects.filter(pk__in=wanted).for_display()} if wanted else {}
    votes = my_votes(viewer, [c.pk for c in comments])
    out = []
    for c in comments:
        floors = [
            Floor(number=i + 1, comment=ancestors[pk], author=author_of(ancestors[pk]))
            for i, pk in enumerate(c.ancestor_ids())
            if pk in ancestors
        ]
        out.append(Entry(comment=c, author=author_of(c), floors=floors, mine=votes.get(c.pk, 0)))
    return out


def hot_order(article_id: int):  # type: ignore[no-untyped-def]
    return Comment.objects.on(article_id).visible().hot().for_display()


def new_order(article_id: int):  # type: ignore[no-untyped-def]
    return Comment.objects.on(article_id).visible().newest().for_display()


def page(
    article_id: int, sort: str, number: int | str, total: int, viewer: object = None, *, per_page: int = PER_PAGE,
    strict: bool = False,
) -> tuple[Page, list[Entry]]:  # fmt: skip
    """One page of 热门 or 最新; `total` is the article's visible count (no COUNT query).

    The pages show the nearest page for a bad number; `strict` (the API) raises EmptyPage or
    PageNotAnInteger instead, before any query."""
    qs = hot_order(article_id) if sort == "hot" else new_order(article_id)
    paginator = Paginator(qs, per_page)
    paginator.count = total  # type: ignore[misc]  # the stored count: exact, and saves a COUNT(*)
    p = paginator.page(number) if strict else paginator.get_page(number)
    return p, with_chains(list(p.object_list), viewer)


def section(article_id: int, viewer: object = None) -> tuple[list[Entry], list[Entry]]:
    """Under the article: 热门跟帖 (pinned, then ranked comments only, up to 10) and 最新跟帖 (10).

    The first rows of 热门 order are the pinned comment (at most one) and then the ranked ones,
    best first, so 热门跟帖 is those rows minus any unranked ones: one read along comment_hot
    (a `rank >= QUALIFIED` condition cannot narrow that index after `pinned`, and SQLite cannot
    use a bare boolean `pinned` condition on it, so either would walk every comment)."""
    hot = [c for c in hot_order(article_id)[:SECTION_SIZE] if c.pinned or c.rank >= QUALIFIED]
    newest = list(new_order(article_id)[:SECTION_SIZE])
    entries = with_chains(hot + newest, viewer)
    return entries[: len(hot)], entries[len(hot) :]


def chain_of(comment: Comment, viewer: object = None) -> Entry:
    return with_chains([comment], viewer)[0]


def generation(article_id: int) -> int:
    return int(cache.get(generation_key(article_id)) or 0)
