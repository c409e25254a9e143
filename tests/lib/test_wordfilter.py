"""The word filter: normalising, evasions, REFUSE over HOLD, Latin word boundaries, the empty list."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tidings.lib import wordfilter
from tidings.lib.wordfilter import CLEAN, Action, Verdict, WordFilter, normalise

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("敏 感 词", "敏感词"),
        ("敏\u3000感\t词\n", "敏感词"),  # ideographic space, tab, line break
        *[(f"敏{z}感{z}词", "敏感词") for z in ZERO_WIDTH],
        ("敏。感，词！", "敏感词"),
        ("敏-感_词…《》【】", "敏感词"),
        ("敏😀感❤️词", "敏感词"),  # emoji and the variation selector after ❤
        ("ＢＡＤ", "bad"),
        ("BaD", "bad"),
        ("ⓑⓐⓓ", "bad"),
        ("𝐛𝐚𝐝", "bad"),  # mathematical bold
        ("bád", "bad"),
        ("ba\u0301d", "bad"),  # the same accent as a separate combining mark
        ("b̶a̶d̶", "bad"),  # strike-through overlay
        ("Straße", "strasse"),
        ("傳銷", "传销"),
        ("網絡頭髮臺灣", "网络头发台湾"),
        ("\uf900", "岂"),  # a CJK compatibility ideograph (豈) → unified → Simplified
        ("１９８９", "1989"),
        ("ひらがな が カタカナ", "ひらがながカタカナ"),  # kana keep their voicing marks
        ("   ", ""),
        ("", ""),
    ],
)
def test_it_normalises_width_case_separators_and_traditional_forms(text: str, normal: str) -> None:
    assert normalise(text) == normal


@pytest.mark.parametrize(
    "text",
    [
        "这条跟帖里有敏感词。",
        "敏 感 词",
        "敏\u200b感\u200d词",
        "敏。感，词",
        "敏-感-词",
        "有个敏感詞在这",  # Traditional 詞
        "敏\ufeff感\u00ad词",
    ],
)
def test_it_finds_a_chinese_entry_written_around(text: str) -> None:
    verdict = WordFilter([("敏感词", Action.HOLD)]).check(text)
    assert verdict == Verdict(Action.HOLD, ("敏感词",))


def test_traditional_and_simplified_forms_match_each_other_either_way() -> None:
    written_traditional = WordFilter([("傳銷", Action.REFUSE)])
    written_simplified = WordFilter([("传销", Action.REFUSE)])
    for text in ["他在搞传销", "他在搞傳銷", "他在搞傳 銷", "他在搞传銷"]:
        assert written_traditional.check(text).action is Action.REFUSE
        assert written_simplified.check(text).action is Action.REFUSE


def test_full_width_and_case_variants_of_a_latin_entry_match() -> None:
    word_filter = WordFilter([("Spam", Action.HOLD)])
    for text in ["buy SPAM now", "buy ｓｐａｍ now", "buy ＳＰＡＭ now", "buy s p a m now", "buy s\u200bpam now"]:
        assert word_filter.check(text).words == ("Spam",), text


def test_refuse_wins_over_hold_and_every_matched_entry_is_named_in_text_order() -> None:
    word_filter = WordFilter([("广告", Action.HOLD), ("赌博", Action.REFUSE), ("无关", Action.REFUSE)])
    assert word_filter.check("赌博网站的广告") == Verdict(Action.REFUSE, ("赌博", "广告"))
    assert word_filter.check("只有广告，还有广 告") == Verdict(Action.HOLD, ("广告",))


def test_entries_that_normalise_alike_share_one_pattern_and_the_stronger_action() -> None:
    word_filter = WordFilter([("传销", Action.HOLD), ("傳銷", Action.REFUSE), ("传 销", Action.HOLD)])
    assert len(word_filter) == 1
    assert word_filter.check("不要传销") == Verdict(Action.REFUSE, ("传销", "傳銷", "传 销"))


def test_a_clean_text_has_no_action_and_names_no_entry() -> None:
    verdict = WordFilter([("敏感词", Action.REFUSE)]).check("今天天气很好，适合出门。")
    assert verdict == CLEAN
    assert verdict.action is None and verdict.words == ()


def test_an_empty_word_list_passes_everything() -> None:
    word_filter = WordFilter([])
    assert len(word_filter) == 0
    assert word_filter.check("敏感词 bad 傳銷") == CLEAN
    assert word_filter.check("") == CLEAN


def test_entries_that_normalise_to_nothing_are_ignored() -> None:
    word_filter = WordFilter(
        [("  ", Action.REFUSE), ("。！？", Action.REFUSE), ("\u200b", Action.REFUSE), ("", Action.HOLD)]
    )
    assert len(word_filter) == 0
    assert word_filter.check("你好。！？  ") == CLEAN


def test_actions_may_be_given_as_their_stored_strings() -> None:
    word_filter = WordFilter([("广告", "hold"), ("赌博", "refuse")])  # type: ignore[list-item]
    assert word_filter.check("广告").action is Action.HOLD
    assert word_filter.check("赌博").action is Action.REFUSE


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("you are an ass!", True),
        ("ASS", True),
        ("ａｓｓ。", True),
        ("a s s", True),  # spelt out: the evasion is caught
        ("a\u200bss", True),
        ("傻ass", True),  # a Han neighbour is a boundary
        ("ass傻", True),
        ("class", False),
        ("assistant", False),
        ("badass", False),
        ("mass assembly", False),
        ("cl\u200bass", False),  # zero-width characters are looked through: still one word
        ("classy ass", True),  # the second, standalone one counts
    ],
)
def test_a_latin_entry_matches_only_at_word_boundaries(text: str, found: bool) -> None:
    verdict = WordFilter([("ass", Action.HOLD)]).check(text)
    assert (verdict.words == ("ass",)) is found


def test_a_latin_boundary_is_not_met_inside_one_written_character() -> None:
    # "ß" is written once but normalises to "ss": an entry starting at its second "s" is inside a word.
    word_filter = WordFilter([("sa", Action.HOLD)])
    assert word_filter.check("ßa") == CLEAN
    assert word_filter.check("s a") != CLEAN


def test_a_mixed_entry_needs_a_boundary_only_at_its_latin_end() -> None:
    word_filter = WordFilter([("ok了", Action.HOLD)])
    assert word_filter.check("那就ok了吧").action is Action.HOLD
    assert word_filter.check("ok了").action is Action.HOLD
    assert word_filter.check("took了") == CLEAN


def test_chinese_entries_match_inside_longer_words() -> None:
    assert WordFilter([("敏感", Action.HOLD)]).check("过敏感冒").action is Action.HOLD


def test_digits_entries_follow_the_latin_boundary_rule() -> None:
    word_filter = WordFilter([("8964", Action.REFUSE)])
    assert word_filter.check("数字８９６４。").action is Action.REFUSE
    assert word_filter.check("8 9 6 4").action is Action.REFUSE
    assert word_filter.check("189645") == CLEAN


SEPARATORS = st.sampled_from([" ", "\u3000", "\u200b", "\ufeff", "，", "。", "-", "*", "😀", "\u00ad", ""])
FILLER = st.text(alphabet="今天的新闻很好看我们一起讨论吧", max_size=20)


@settings(max_examples=200, deadline=None)
@given(prefix=FILLER, suffix=FILLER, gaps=st.lists(SEPARATORS, min_size=3, max_size=3))
def test_any_separators_between_the_characters_of_an_entry_do_not_hide_it(
    prefix: str, suffix: str, gaps: list[str]
) -> None:
    written = "".join(ch + gap for ch, gap in zip("赌博网", gaps, strict=True))
    assert WordFilter([("赌博网", Action.REFUSE)]).check(prefix + written + suffix).action is Action.REFUSE


def test_checking_from_many_threads_gives_the_verdicts_of_one_thread() -> None:
    texts = ["".join(chr(0x4E00 + (i * 37 + j) % 20000) for j in range(300)) + f" 广告{i}" for i in range(8)]
    word_filter = WordFilter([("广告", Action.HOLD), *[(chr(0x4E00 + k * 101), Action.REFUSE) for k in range(30)]])
    wordfilter._TABLE.clear()  # so that the threads fill the character table at the same time
    results: dict[int, Verdict] = {}

    def run(i: int) -> None:
        results[i] = word_filter.check(texts[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(8)] == [word_filter.check(t) for t in texts]
    assert all("广告" in results[i].words for i in range(8))


def test_the_character_table_stops_growing_at_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    normalise("傳銷")
    monkeypatch.setattr(wordfilter, "_TABLE_LIMIT", len(wordfilter._TABLE))
    size = len(wordfilter._TABLE)
    fresh = "".join(chr(c) for c in range(0x9F00, 0x9F40)) + "齊鬥ＡＢ"
    assert normalise(fresh) == "".join(wordfilter._normalise_char(c) for c in fresh)
    assert normalise(fresh).endswith("齐斗ab")
    assert len(wordfilter._TABLE) == size
