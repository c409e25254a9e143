"""Article text: titles, Markdown bodies, summaries and tags, as pure functions of a random.Random.

Nothing here touches the database or the disk, so the same generator state always gives the
same text (the demo's determinism rests on that), and tests can call it directly.

A Chinese body holds 1,000–4,000 characters: at least MIN_CJK 汉字 of prose, and at most
MAX_BODY_CHARS characters of Markdown in all (headings, images and list markup included).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from tidings.demo import words
from tidings.demo.lexicon import Lexicon, load
from tidings.demo.words import Topic
from tidings.lib.cjk import COMMON_HAN

MIN_CJK = 1000
MAX_BODY_CHARS = 4000
MIN_EN_CHARS = 1000

# A slot, optionally followed by an English verb in both numbers: "{k} [has|have]".
_SLOT = re.compile(r"\{([A-Za-z]+)(\d?)\}(?: \[([a-z]+)\|([a-z]+)\])?")
_ENGLISH = {
    "noun": words.NOUNS_EN,
    "adj": words.ADJECTIVES_EN,
    "verb": words.VERBS_EN,
    "adv": words.ADVERBS_EN,
    "group": words.GROUPS_EN,
}
_AN = re.compile(r"\b([Aa]) (?=([A-Za-z]+))")  # "a uneven" → "an uneven"
# Vowel letters that sound like consonants ("a unit", "a one-off"), and a silent h ("an hour").
_A_BEFORE = ("uni", "use", "usu", "eu", "one", "once")
_AN_BEFORE = ("hour", "honest", "honour", "heir")


def cjk_count(text: str) -> int:
    """Number of Chinese characters (汉字) in text: the length a Chinese reader means."""
    return len(COMMON_HAN.findall(text))


@dataclass(frozen=True)
class Picture:
    """An image a body may show: its Markdown src (MEDIA_URL + path) and alt text saying what it shows."""

    src: str
    alt_zh: str
    alt_en: str


@dataclass
class Draft:
    title: str
    summary: str
    body_md: str
    lang: str
    tags: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # titles of cited sources


def chinese_name(rng: random.Random) -> tuple[str, str, str]:
    """A realistic Chinese personal name, its toneless pinyin (for handles) and its pinyin initials."""
    surname, s_py = rng.choice(words.SURNAMES)
    given = rng.sample(words.GIVEN, rng.choice((1, 2, 2, 2)))
    name = surname + "".join(c for c, _ in given)
    return name, s_py + "".join(p for _, p in given), s_py[0] + "".join(p[0] for _, p in given)


def english_name(rng: random.Random) -> str:
    return f"{rng.choice(words.FIRST_NAMES_EN)} {rng.choice(words.LAST_NAMES_EN)}"


def is_plural_en(phrase: str) -> bool:
    """Whether an English noun phrase takes a plural verb: "water levels" do, "economics" does not."""
    last = phrase.split()[-1].lower() if phrase.split() else ""
    if phrase in words.SINGULAR_EN or not last.endswith("s"):
        return False
    return not last.endswith(("ss", "is", "us", "ics"))


def _article(match: re.Match[str]) -> str:
    """ "a" or "an" as the next word sounds: an uneven, an hour, a unit, a one-off."""
    a, word = match.group(1), match.group(2).lower()
    vowel = word[:1] in "aeiou" and not word.startswith(_A_BEFORE)
    return f"{a}n " if vowel or word.startswith(_AN_BEFORE) else f"{a} "


class Filler:
    """Fills template slots for one article, keeping its cast (place, people) consistent."""

    def __init__(
        self,
        rng: random.Random,
        topic: Topic,
        channel_slug: str,
        lang: str,
        year: int,
        month: int,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.rng = rng
        self.topic = topic
        self.en = lang == "en"
        self.lexicon = lexicon or load()
        self.year = year
        self.month = month
        self.keywords = topic.keywords_en if self.en else topic.keywords
        # A handful of focus keywords recur through the article, as they would in a real piece.
        self.focus = rng.sample(self.keywords, min(5, len(self.keywords)))
        self.city = rng.choice(words.CITIES)
        self._decks: dict[tuple[str, ...], list[str]] = {}
        if self.en:
            self.people = [english_name(rng) if rng.random() < 0.5 else _pinyin_name(rng) for _ in range(3)]
            self.roles: tuple[str, ...] = words.ROLES_EN
        else:
            self.people = [chinese_name(rng)[0] for _ in range(3)]
            self.roles = words.ROLES.get(channel_slug, ()) + words.GENERAL_ROLES

    def pick(self, templates: tuple[str, ...]) -> str:
        """The next template from a shuffled deck, so an article repeats a shape only once all are used."""
        deck = self._decks.get(templates)
        if not deck:
            deck = list(templates)
            self.rng.shuffle(deck)
            self._decks[templates] = deck
        return deck.pop()

    def fill(self, template: str) -> str:
        """Replace every slot; a slot repeated in one template gets the same value."""
        chosen: dict[str, str] = {}
        used: set[str] = set()

        def sub(match: re.Match[str]) -> str:
            kind, n, singular, plural = match.groups()
            token = kind + n
            if token not in chosen:
                value = self._distinct(kind, used)
                used.add(value)
                chosen[token] = value
            value = chosen[token]
            if singular:
                value += " " + (plural if is_plural_en(value) else singular)
            return value

        text = _SLOT.sub(sub, template)
        return _AN.sub(_article, text) if self.en else text

    def _distinct(self, kind: str, used: set[str]) -> str:
        value = self.draw(kind)
        for _ in range(6):
            if value not in used:
                break
            value = self.draw(kind)
        return value

    def draw(self, kind: str) -> str:
        rng = self.rng
        if kind in ("k", "K"):
            pool = self.focus if rng.random() < 0.75 else self.keywords
            word = rng.choice(pool)
            return word[:1].upper() + word[1:] if kind == "K" else word
        if kind in ("n", "vn", "v", "a", "d"):
            return self.lexicon.draw(kind, rng)
        if kind == "place":
            city = self.city if rng.random() < 0.7 else rng.choice(words.CITIES)
            return city[2] if self.en else city[0]
        if kind == "person":
            return rng.choice(self.people)
        if kind == "role":
            return rng.choice(self.roles)
        if kind == "topic":
            return self.topic.name_en if self.en else self.topic.name
        if kind == "num":
            return str(rng.randint(2, 12))
        if kind == "pct":
            return f"{rng.randint(15, 689) / 10:.1f}%"
        if kind == "big":
            return self._big()
        if kind == "month":
            return str(rng.randint(1, self.month))
        if kind == "monthname":
            return words.MONTHS_EN[rng.randint(1, self.month) - 1]
        if kind == "year":
            return str(self.year)
        if kind in _ENGLISH:
            return rng.choice(_ENGLISH[kind])
        raise KeyError(f"unknown template slot {{{kind}}}")

    def _big(self) -> str:
        rng = self.rng
        if self.en:
            if rng.random() < 0.5:
                return f"{rng.randint(2, 95)},{rng.randint(0, 999):03d}"
            return f"{rng.randint(11, 99) / 10:.1f} million"
        style = rng.randint(0, 2)
        if style == 0:
            return f"{rng.randint(2, 99)}万"
        if style == 1:
            return f"{rng.randint(11, 99) / 10:.1f}万"
        return f"{rng.randint(120, 980)}万"

    def sentences(self, templates: tuple[str, ...], n: int) -> list[str]:
        return [self.fill(self.pick(templates)) for _ in range(n)]


def _pinyin_name(rng: random.Random) -> str:
    _, s_py = rng.choice(words.SURNAMES)
    given = rng.sample(words.GIVEN, 2)
    return f"{s_py.capitalize()} {''.join(p for _, p in given).capitalize()}"


@dataclass
class _Section:
    heading: str
    blocks: list[str] = field(default_factory=list)
    prose: list[int] = field(default_factory=list)  # indexes of plain paragraphs in blocks


def write_article(
    rng: random.Random,
    topic: Topic,
    channel_slug: str,
    *,
    lang: str = "zh-Hans",
    pictures: list[Picture] | None = None,
    year: int = 2025,
    month: int = 12,
    references: int = 0,
    lexicon: Lexicon | None = None,
) -> Draft:
    """Title, Markdown body, summary, tags and `references` reference titles for one article on `topic`.

    The body has a lead, 2–5 `## ` sections, each picture once (with alt text and a caption),
    and sometimes a list or a quote. tags[0] is the topic's name (the same in both languages),
    followed by 2–3 of the article's focus keywords.
    """
    f = Filler(rng, topic, channel_slug, lang, year, month, lexicon)
    en = lang == "en"
    title = _title(f, words.TITLES_EN if en else words.TITLES, limit=90 if en else 40)
    sections = _sections(f, en)
    _add_extras(f, sections, en)
    for pic in pictures or []:
        alt = pic.alt_en if en else pic.alt_zh
        caption = f.fill(rng.choice(words.CAPTIONS_EN if en else words.CAPTIONS)).replace('"', "")
        section = rng.choice(sections)
        at = rng.choice(section.prose) + 1
        section.blocks.insert(at, f'![{alt}]({pic.src} "{caption}")')
        section.prose = [i + 1 if i >= at else i for i in section.prose]
    body = _trim(sections)
    lead = sections[0].blocks[sections[0].prose[0]]
    # The topic's name can also be one of its keywords; a tag appears once.
    tags = list(dict.fromkeys([topic.name, *f.focus[: rng.randint(2, 3)]]))
    cited = f.sentences(words.REFERENCE_TITLES_EN if en else words.REFERENCE_TITLES, references)
    return Draft(title=title, summary=_summary(lead, en), body_md=body, lang=lang, tags=tags, references=cited)


def _title(f: Filler, templates: tuple[str, ...], limit: int) -> str:
    title = ""
    for _ in range(8):
        title = f.fill(f.rng.choice(templates))
        if len(title) <= limit:
            break
    return title[:1].upper() + title[1:]


def _paragraph(f: Filler, en: bool) -> str:
    n = f.rng.randint(3, 6)
    return " ".join(f.sentences(words.SENTENCES_EN, n)) if en else "".join(f.sentences(words.SENTENCES, n))


def _sections(f: Filler, en: bool) -> list[_Section]:
    """The lead (heading "") and 2–5 headed sections, filled with prose up to a drawn length."""
    rng = f.rng
    if en:
        target = int(rng.triangular(1500, 3500, 2200))

        def measure(text: str) -> int:
            return len(text)
    else:
        target = int(rng.triangular(MIN_CJK + 150, 3000, 1800))
        measure = cjk_count
    paragraphs: list[str] = []
    total = 0
    n_sections = rng.randint(2, 5)
    while total < target or len(paragraphs) < n_sections + 1:
        p = _paragraph(f, en)
        paragraphs.append(p)
        total += measure(p)
    closing = f.fill(rng.choice(words.CLOSINGS_EN if en else words.CLOSINGS))
    paragraphs[-1] += (" " if en else "") + closing

    headings = f.sentences(words.SUBHEADINGS_EN if en else words.SUBHEADINGS, n_sections)
    sections = [_Section("", [paragraphs[0]], [0])]
    rest = paragraphs[1:]
    # Consecutive, nearly equal runs of paragraphs under each heading.
    for i, heading in enumerate(headings):
        chunk = rest[i * len(rest) // n_sections : (i + 1) * len(rest) // n_sections]
        sections.append(_Section(heading, list(chunk), list(range(len(chunk)))))
    return sections


def _add_extras(f: Filler, sections: list[_Section], en: bool) -> None:
    """Sometimes a bulleted list, sometimes a quote, each inside a headed section."""
    rng = f.rng
    if rng.random() < 0.35:
        section = rng.choice(sections[1:])
        items = f.sentences(words.LIST_ITEMS_EN if en else words.LIST_ITEMS, rng.randint(3, 4))
        intro = rng.choice(words.LIST_INTROS_EN if en else words.LIST_INTROS)
        section.blocks.append(intro + "\n\n" + "\n".join(f"- {item}" for item in items))
    if rng.random() < 0.35:
        section = rng.choice(sections[1:])
        quote = f.fill(rng.choice(words.QUOTES_EN if en else words.QUOTES))
        person, role = rng.choice(f.people), rng.choice(f.roles)
        signature = f"— {person}, {role}" if en else f"——{person}，{role}"
        section.blocks.insert(min(1, len(section.blocks)), f"> {quote}\n>\n> {signature}")
        section.prose = [i + 1 if i >= 1 else i for i in section.prose]


def _render(sections: list[_Section]) -> str:
    parts: list[str] = []
    for s in sections:
        if s.heading:
            parts.append(f"## {s.heading}")
        parts.extend(s.blocks)
    return "\n\n".join(parts) + "\n"


def _trim(sections: list[_Section]) -> str:
    """Render, dropping a plain paragraph of the longest section while over MAX_BODY_CHARS."""
    body = _render(sections)
    while len(body) > MAX_BODY_CHARS:
        candidates = [s for s in sections if len(s.prose) > 1]
        if not candidates:
            break
        section = max(candidates, key=lambda s: len(s.prose))
        # The article's very last paragraph carries the closing line, so it stays.
        drop = section.prose.pop(-2 if section is sections[-1] else -1)
        del section.blocks[drop]
        section.prose = [i - 1 if i > drop else i for i in section.prose]
        body = _render(sections)
    return body


def _summary(lead: str, en: bool) -> str:
    """The lead's first sentences, up to about 120 characters (the list-item teaser)."""
    stop = ". " if en else "。"
    out = ""
    for sentence in lead.split(stop):
        if not sentence:
            continue
        piece = sentence + stop.strip()
        if out and len(out) + len(piece) > (200 if en else 120):
            break
        out += (" " if en and out else "") + piece
    return out[:490]
