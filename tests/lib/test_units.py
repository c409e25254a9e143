"""Small pure pieces: settings parsing, the hot formula, Markdown sanitising, image intake."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image as PILImage

from tests.hostile import executable_parts, xss_payloads
from tidings.articles.ranking import TAU_SECONDS, engagement, hot_score
from tidings.lib.images import ImageRejected, process_image
from tidings.lib.markdown_scan import scan_body
from tidings.lib.markup import MAX_DEPTH, ResolvedImage, normalize_url, plain_text, render_markdown
from tidings.settings import database_from_url, env_bool, env_int


def test_database_urls_parse_for_sqlite_and_postgresql(tmp_path: Path) -> None:
    assert database_from_url("", tmp_path)["NAME"] == str(tmp_path / "tidings.sqlite3")
    assert database_from_url("sqlite:////srv/t/db.sqlite3", tmp_path)["NAME"] == "/srv/t/db.sqlite3"
    assert database_from_url("sqlite:///rel/db.sqlite3", tmp_path)["NAME"] == "rel/db.sqlite3"
    pg = database_from_url("postgresql://u:p%40ss@db.local:5433/news?sslmode=require", tmp_path)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql", "news", "u", "p@ss", "db.local", "5433",
    )  # fmt: skip
    assert pg["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://x/y", tmp_path)


def test_boolean_settings_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TIDINGS_X"):
        env_bool("TIDINGS_X", False)
    monkeypatch.setenv("TIDINGS_X", "on")
    assert env_bool("TIDINGS_X", False) is True


def test_hot_score_trades_tenfold_engagement_for_tau_of_freshness() -> None:
    t = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    later = t + dt.timedelta(seconds=TAU_SECONDS)
    assert hot_score(t, 1000) == pytest.approx(hot_score(later, 100))
    assert hot_score(t, 0) == hot_score(t, 1)  # no engagement is not negative infinity
    assert engagement(views=10, shares=1, comments=1, likes=1) == 10 + 5 + 3 + 2
    assert hot_score(None, 100) == 0.0


def test_markdown_headings_keep_a_single_h1_and_links_get_rel() -> None:
    html = render_markdown("# 大标题\n\n## 小标题\n\n#### 更小\n\n[外站](https://example.com) [本站](/a/1/)")
    assert "<h1" not in html and "<h2>大标题</h2>" in html and "<h4>更小</h4>" in html
    assert '<a href="https://example.com" rel="nofollow ugc noopener">外站</a>' in html
    assert '<a href="/a/1/">本站</a>' in html


def test_a_paragraph_of_one_image_becomes_a_figure_with_its_title_as_caption() -> None:
    def resolve(src: str) -> ResolvedImage | None:
        return ResolvedImage(src, 800, 600, [{"w": 400, "url": "/media/a-400.jpg"}]) if src == "/media/a.jpg" else None

    html = render_markdown('![港口](/media/a.jpg "港口一景")\n\n文字 ![图](/media/b.png "标题") 文字', resolve)
    assert html.startswith('<figure><picture><img src="/media/a.jpg" srcset="/media/a-400.jpg 400w"')
    assert 'alt="港口"' in html and "<figcaption>港口一景</figcaption></figure>" in html
    # An image among text stays inline, its title no caption.
    assert '<p>文字 <img src="/media/b.png" alt="图" loading="lazy"> 文字</p>' in html


def test_a_tight_list_has_no_paragraphs_in_its_items() -> None:
    assert render_markdown("- 甲\n- 乙\n\n1. 丙\n\n2. 丁").replace("\n", "") == (
        "<ul><li>甲</li><li>乙</li></ul><ol><li><p>丙</p></li><li><p>丁</p></li></ol>"
    )


def test_tables_and_strikethrough_render_as_github_writes_them() -> None:
    html = render_markdown("| 左 | 右 |\n|:--|--:|\n| 1 | ~~2~~ |").replace("\n", "")
    assert (
        html
        == "<table><thead><tr><th>左</th><th>右</th></tr></thead><tbody><tr><td>1</td><td><s>2</s></td></tr></tbody></table>"
    )


def test_one_tilde_is_text_and_two_strike_through() -> None:
    # GFM (and pulldown-cmark) would strike "3 到 5" through; Chinese writes ranges with "~".
    assert render_markdown("约 ~3 到 5~ 人，~单~，~~删去~~") == "<p>约 ~3 到 5~ 人，~单~，<s>删去</s></p>\n"
    assert render_markdown(r"\~a~ `x~y` [链](/a~b)") == '<p>~a~ <code>x~y</code> <a href="/a~b">链</a></p>\n'
    scan = scan_body("![图](/p~q.png) 约 3~5 人")
    assert scan.image_sources == ["/p~q.png"] and "3~5" in scan.prose


def test_an_upper_case_script_end_tag_ends_its_html_block() -> None:
    # pulldown-cmark matches these end tags in lower case only: the rest would be raw HTML.
    assert "<p><em>后文</em></p>" in render_markdown("<SCRIPT>alert(1)</SCRIPT>\n\n*后文*")
    assert "<p><em>后文</em></p>" in render_markdown("<Style>p{}</Style>\n\n*后文*")


def test_markdown_nests_at_most_the_bound_and_keeps_the_deepest_text() -> None:
    html = render_markdown(">" * (MAX_DEPTH + 50) + " 深处的文字\n\n后文")
    assert html.count("<blockquote>") == MAX_DEPTH == html.count("</blockquote>")
    assert "深处的文字" in html and html.endswith("<p>后文</p>\n")


def test_links_keep_markdown_its_destinations_and_refuse_script_schemes() -> None:
    html = render_markdown("[中](https://例子.com/路径?q=一) [x](javascript:alert(1)) <a@b.cn> [空格](<a b>)")
    assert '<a href="https://xn--fsqu00a.com/%E8%B7%AF%E5%BE%84?q=%E4%B8%80" rel="nofollow ugc noopener">中</a>' in html
    assert " x " in html and "javascript" not in html
    assert '<a href="mailto:a@b.cn">a@b.cn</a>' in html and '<a href="a%20b">空格</a>' in html


def test_plain_destinations_skip_the_normaliser_only_where_it_would_change_nothing() -> None:
    from markdown_it.common.normalize_url import normalizeLink

    rng = random.Random(10_2)
    alphabet = "aZ09;/?:@&=+$,-_.!~*'()#%[]"
    starts = ["", "http://", "https://", "//", "mailto:", "HTTP://", "/", "ftp://", "https://a.com:80", "x", "#", "?"]
    for _ in range(30_000):
        url = rng.choice(starts) + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert normalize_url(url) == normalizeLink(url), url


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        '<a href="jAvAsCrIpT:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<svg onload="alert(1)"><circle/></svg>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        "![x](javascript:alert(1))",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_hostile_markup_is_neutralised(hostile: str) -> None:
    html = render_markdown(f"前文\n\n{hostile}\n\n后文")
    assert executable_parts(html) == []
    assert "前文" in html


def test_plain_text_strips_tags() -> None:
    assert plain_text("<b>李伟</b><script>x()</script> & 朋友") == "李伟 & 朋友"


def jpeg_with_exif(size: tuple[int, int] = (1200, 800)) -> bytes:
    img = PILImage.new("RGB", size, (200, 120, 40))
    exif = PILImage.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_images_are_reencoded_without_exif_and_upright(settings, tmp_path: Path) -> None:
    out = process_image(jpeg_with_exif(), name="photo.jpg")
    out.save()
    assert [v["w"] for v in out.variants] == [480, 800]  # rotated: 800 wide, 1200 high
    assert (out.width, out.height) == (800, 1200)
    for v in out.variants:
        for key in ("jpg", "webp"):
            with PILImage.open(Path(settings.MEDIA_ROOT) / str(v[key])) as saved:
                assert not saved.getexif(), f"EXIF survived in {v[key]}"


def test_fake_and_oversized_images_are_rejected_with_reasons() -> None:
    with pytest.raises(ImageRejected, match="not a readable image"):
        process_image(b"this is just text pretending to be a jpeg", name="fake.jpg")
    with pytest.raises(ImageRejected, match="limit is 20 MB"):
        process_image(b"\0" * (21 * 1024 * 1024), name="huge.jpg")
    with pytest.raises(ImageRejected, match="empty"):
        process_image(b"", name="empty.png")


def test_a_decompression_bomb_is_rejected_before_decoding() -> None:
    # A 20,000 × 20,000 PNG compresses to a few hundred KB but would need 1.2 GB to decode.
    buf = io.BytesIO()
    PILImage.new("1", (20_000, 20_000)).save(buf, "PNG")
    with pytest.raises(ImageRejected, match=r"too many pixels|megapixels"):
        process_image(buf.getvalue(), name="bomb.png")


def test_the_xss_corpus_leaves_nothing_executable_in_bodies_or_plain_fields() -> None:
    payloads = xss_payloads()
    assert len(payloads) > 300
    for payload in payloads:
        assert executable_parts(render_markdown(payload)) == [], payload
        assert executable_parts(render_markdown(f"段落 {payload} 段落")) == [], payload


def test_production_settings_pass_djangos_deploy_checks(tmp_path: Path) -> None:
    import subprocess
    import sys

    # A fresh production-like environment, not the test run's: browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy checks rightly refuse.
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("PYTEST")}
    env.update(
        TIDINGS_DATA_DIR=str(tmp_path),
        TIDINGS_HTTPS="1",
        TIDINGS_SECRET_KEY="x7Lq-2v9Zr4PbT8mNcW1yK6sHdE3gJfA0uQiRoV5tXlYwBnC-k3Jd8Qp2Ls9Wm4",
        TIDINGS_ALLOWED_HOSTS="news.example.org",
        DJANGO_SETTINGS_MODULE="tidings.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tidings.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_https_mode_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIDINGS_", "PYTEST", "DJANGO_"))}
    env.update(TIDINGS_DATA_DIR=str(tmp_path), TIDINGS_HTTPS="1", TIDINGS_ALLOWED_HOSTS="news.example.org")
    result = subprocess.run(
        [sys.executable, "-m", "tidings.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "TIDINGS_SECRET_KEY" in result.stderr


def test_env_int_names_the_variable_it_cannot_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_PAGE_CACHE_SECONDS", "sixty")
    with pytest.raises(ImproperlyConfigured, match="TIDINGS_PAGE_CACHE_SECONDS='sixty' is not a whole number"):
        env_int("TIDINGS_PAGE_CACHE_SECONDS", 60)
    monkeypatch.setenv("TIDINGS_PAGE_CACHE_SECONDS", "-5")
    with pytest.raises(ImproperlyConfigured, match="must be at least 0"):
        env_int("TIDINGS_PAGE_CACHE_SECONDS", 60)
    monkeypatch.setenv("TIDINGS_PAGE_CACHE_SECONDS", " 15 ")
    assert env_int("TIDINGS_PAGE_CACHE_SECONDS", 60) == 15
    monkeypatch.delenv("TIDINGS_PAGE_CACHE_SECONDS")
    assert env_int("TIDINGS_PAGE_CACHE_SECONDS", 60) == 60


def test_a_bad_number_stops_the_start_with_the_variable_named(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIDINGS_", "PYTEST", "DJANGO_"))}
    env.update(TIDINGS_DATA_DIR=str(tmp_path), TIDINGS_PROBATION_ARTICLES="three")
    result = subprocess.run(
        [sys.executable, "-m", "tidings.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "TIDINGS_PROBATION_ARTICLES='three' is not a whole number" in result.stderr


def test_every_environment_variable_the_code_reads_is_in_the_readme() -> None:
    """README's configuration table lists every TIDINGS_* variable read anywhere in tidings/."""
    root = Path(__file__).resolve().parents[2]
    read = set()
    for path in (root / "tidings").rglob("*.py"):
        read |= set(re.findall(r"\b(TIDINGS_[A-Z0-9_]+)\b", path.read_text(encoding="utf-8")))
    readme = (root / "README.md").read_text(encoding="utf-8")
    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert missing == [], f"read by the code but not in README.md's configuration table: {missing}"


def test_search_and_discovery_follow_every_article_write() -> None:
    """tidings.articles.derived cannot import the layers above it; they register themselves (the
    原创 fingerprints too, so the check's index holds exactly the published articles)."""
    from tidings.articles import derived

    assert set(derived.stores()) == {"thumbs", "search", "discovery", "originality"}
