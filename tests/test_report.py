"""`undersight report` end to end, checked the way a reader meets it.

A generated QQ corpus, plus a group whose name, seller and ad are hostile, is
ingested once; the report is written once. The HTML is then loaded in headless
Chromium (DOM, console, print), the PDF read by poppler, and the Chinese text
of both is matched glyph by glyph against Noto Sans CJK SC rendered here.

Needs the system packages chromium, poppler-utils and fonts-noto-cjk (see the
Makefile): the tests skip without them, and fail under CI.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw, ImageFont

from undersight.cli import main as undersight

APT = "chromium poppler-utils fonts-noto-cjk"
CHARTS = ("prices", "activity", "growth", "mobile")
TABLES = (
    "activity_year",
    "activity_month",
    "categories",
    "prices",
    "mobile_premium",
    "market_size",
    "top_sellers",
    "top_groups",
    "quoted_ads",
)
HOSTILE_GROUP = "<script>alert(1)</script>黑客\"群'"
HOSTILE_SELLER = "<img src=x onerror=alert(2)>"
HOSTILE_AD = (
    "出售DNS劫持 <script>alert(1)</script> 全国有效 价格1500元 详情 "
    "http://evil.example.com/p?a=1&b=2 邮箱 bad@evil.example.org 服务器 203.0.113.7 "
    "\"quoted\" 'single' \x1b[31m\u202e 联系QQ 3999999999"
)
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"{names[0]} is not installed (apt-get install {APT})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)  # type: ignore[call-overload]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    done = _run([sys.executable, "-m", "undersight.cli", *args])
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _hostile_export(path: Path) -> None:
    """A QQ export of one group: the hostile ad, posted on 40 days of June-July 2013."""
    lines = [
        "消息记录（此消息记录为文本格式，不支持重新导入）",
        "",
        "=" * 64,
        "消息分组:我的QQ群",
        "=" * 64,
        f"消息对象:{HOSTILE_GROUP}",
        "=" * 64,
        "",
    ]
    for day in range(40):
        month, dom = (6, day + 1) if day < 30 else (7, day - 29)
        lines += [
            f"2013-{month:02d}-{dom:02d} 10:00:00 {HOSTILE_SELLER}(3999999999)",
            HOSTILE_AD,
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8-sig")


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report-corpus")
    _cli("synth", "--scenario", "cn-underground-2013", "--messages", "20000", "--seed", "3",
         "--out", str(root / "corpus"))  # fmt: skip
    _hostile_export(root / "corpus" / "qq" / "hostile-group.txt")
    db = root / "store.duckdb"
    _cli("ingest", str(root / "corpus" / "qq"), "--db", str(db))
    return db


@pytest.fixture(scope="session")
def report(store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The report folder and what `undersight report` printed."""
    out = tmp_path_factory.mktemp("report")
    done = _run([sys.executable, "-m", "undersight.report", "--db", str(store), "--out", str(out)])
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done.stdout


@pytest.fixture(scope="session")
def page(report: tuple[Path, str]) -> str:
    return (report[0] / "report.html").read_text(encoding="utf-8")


# -- files and terminal -----------------------------------------------------------


def test_writes_html_pdf_and_every_table(report: tuple[Path, str]) -> None:
    out, printed = report
    assert (out / "report.html").stat().st_size > 20_000
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    for name in TABLES:
        parquet = pd.read_parquet(out / f"{name}.parquet")
        csv = pd.read_csv(out / f"{name}.csv")
        assert len(parquet) == len(csv), name
        assert list(parquet.columns) == list(csv.columns), name
    assert set(pd.read_parquet(out / "activity_year.parquet")["period"]) == {"2012", "2013"}
    assert "report.html" in printed and "report.pdf" in printed
    assert re.search(r"2013\s.*17,\d{3}", printed), printed  # the headline table, per year


def test_period_focus_and_errors(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert (
        undersight(["report", "--db", str(store), "--period", "2013", "--out", str(tmp_path)]) == 0
    )
    assert set(pd.read_csv(tmp_path / "prices.csv")["period"].astype(str)) == {"2013"}
    assert "Prices in 2013" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (
        undersight(["report", "--db", str(store), "--period", "2099", "--out", str(tmp_path)]) == 2
    )
    assert (
        undersight(["report", "--db", str(store), "--period", "last year", "--out", str(tmp_path)])
        == 2
    )
    assert (
        undersight(["report", "--db", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path)])
        == 2
    )
    assert "2099" in capsys.readouterr().err


# -- hostile text -----------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(document: str) -> _Elements:
    parser = _Elements()
    parser.feed(document)
    return parser


def test_hostile_text_is_escaped_and_defanged(page: str, report: tuple[Path, str]) -> None:
    parsed = _parse(page)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "a", "base"}
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    assert page.count(SCRIPT_ESCAPED) >= 2  # the group name and the quoted ad
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the seller's name
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>黑客\"群'" in text  # shown as text, quotes intact
    for defanged in ("hxxp://evil[.]example[.]com/p?a=1&b=2", "bad@evil[.]example[.]org",
                     "203[.]0[.]113[.]7"):  # fmt: skip
        assert defanged in text
    for live in ("evil.example.com", "evil.example.org", "203.0.113.7", "\x1b", "\u202e"):
        assert live not in page
    csv = (report[0] / "quoted_ads.csv").read_text(encoding="utf-8")
    assert "evil[.]example[.]com" in csv and "evil.example.com" not in csv
    raw = pd.read_parquet(report[0] / "quoted_ads.parquet")
    assert HOSTILE_AD in set(raw["text"])  # Parquet keeps the stored text exactly


def test_html_is_self_contained(page: str) -> None:
    loading = {"src", "srcset", "href", "xlink:href", "action", "poster", "data", "background"}
    for tag, attrs in _parse(page).tags:
        for name, value in attrs.items():
            assert name not in loading or (value or "").startswith("#"), (tag, name, value)
    without_ns = re.sub(r'\sxmlns(?::\w+)?="[^"]*"', "", page)
    assert not re.search(r"(?i)\b(?:https?|ftp)://|@import", without_ns)
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", page))
    assert "Noto Sans CJK SC" in page  # the font stack names the CJK font


# -- the HTML in Chromium -----------------------------------------------------------


def _chromium(url: str, tmp: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    browser = _tool("chromium", "chromium-browser", "google-chrome")
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr",
           "--v=0", *flags, url]  # fmt: skip
    done = _run(cmd)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _console(stderr: str) -> list[str]:
    """Console messages (errors, uncaught exceptions, CSP refusals) Chromium logged."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_chromium_console_detection_works(tmp_path: Path) -> None:
    probe = tmp_path / "probe.html"
    probe.write_text("<!DOCTYPE html><p>x</p><script>console.error('probe-42')</script>")
    done = _chromium(probe.as_uri(), tmp_path, "--dump-dom")
    assert any("probe-42" in message for message in _console(done.stderr))


def test_chromium_shows_charts_without_console_errors(
    report: tuple[Path, str], tmp_path: Path
) -> None:
    done = _chromium((report[0] / "report.html").as_uri(), tmp_path, "--dump-dom")
    assert _console(done.stderr) == []
    dom = done.stdout
    charts = {}
    for name in CHARTS:
        match = re.search(rf'<svg\b[^>]*data-chart="{name}"[^>]*>(.*?)</svg>', dom, re.S)
        assert match, f"chart {name} missing from the DOM"
        view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', match.group(0))
        assert view and float(view[1]) > 100 and float(view[2]) > 50, name
        charts[name] = match.group(1)
    for name, body in charts.items():
        drawn = re.findall(r'<path\b[^>]*\bd="M[^"]+"', body)
        labels = re.findall(r"<text\b[^>]*>[^<]+</text>", body)
        assert len(drawn) >= 10 and len(labels) >= 5, f"chart {name} is empty"
    parsed = _parse(dom)
    assert not [t for t, _ in parsed.tags if t == "script"]
    assert "<script>alert(1)</script>" in "".join(parsed.text)


# -- Chinese glyphs ---------------------------------------------------------------

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<'
)
_HAN = re.compile(r"^[\u4e00-\u9fff]{4,}$")
DPI = 300


def _ink(image: Image.Image) -> np.ndarray:
    return 1.0 - np.asarray(image.convert("L"), dtype=float) / 255.0


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norm = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum()) / norm if norm else 0.0


def _drawn(text: str, em: float, font: ImageFont.FreeTypeFont) -> np.ndarray:
    """``text`` set in ``font`` (``em`` pixels), as ink."""
    canvas = Image.new("L", (int(len(text) * em) + 8, int(em * 2)), 255)
    ImageDraw.Draw(canvas).text((0, int(em * 0.3)), text, font=font, fill=0)
    return _ink(canvas)


def _cjk_font() -> tuple[str, int]:
    found = _run([_tool("fc-match"), "-f", "%{family}\n%{file}\n%{index}", "Noto Sans CJK SC"])
    family, file, index = found.stdout.split("\n")
    assert "Noto Sans CJK SC" in family, f"fonts-noto-cjk missing (apt-get install {APT})"
    return file, int(index)


def _han_words(pdf: Path, limit: int = 3) -> list[tuple[int, tuple[float, ...], str]]:
    """Runs of 4+ Han characters (3+ distinct) poppler finds: page, box in points, text."""
    layout = _run([_tool("pdftotext"), "-bbox-layout", str(pdf), "-"]).stdout
    words = []
    for number, body in enumerate(layout.split("<page ")[1:], 1):
        for m in _WORD.finditer(body):
            text = html.unescape(m[5])
            if _HAN.match(text) and len(set(text)) >= 3:
                words.append((number, tuple(float(v) for v in m.groups()[:4]), text))
    return words[:limit]


def _glyph_scores(pdf: Path, tmp: Path) -> list[tuple[str, float, bool, float, float]]:
    """For each Han word: its text, how well the page matches the word set in Noto Sans
    CJK SC (normalized cross-correlation), whether every character's cell matches its
    own glyph best, and the ink on the word and on a blank margin of the same page."""
    font_file, index = _cjk_font()
    results, pages = [], {}
    for number, (x0, y0, x1, y1), text in _han_words(pdf):
        if number not in pages:
            png = tmp / f"{pdf.stem}-{number}"
            _run([_tool("pdftoppm"), "-f", str(number), "-l", str(number), "-r", str(DPI),
                  "-gray", "-png", "-singlefile", str(pdf), str(png)])  # fmt: skip
            pages[number] = _ink(Image.open(f"{png}.png"))
        page = pages[number]
        scale = DPI / 72
        em = (x1 - x0) / len(text) * scale  # Han glyphs are one em wide
        font = ImageFont.truetype(font_file, round(em), index=index)
        ref = _drawn(text, em, font)
        rows = np.nonzero(ref.any(axis=1))[0]
        top, bottom = int(rows.min()), int(rows.max()) + 1
        ref = ref[top:bottom, : round(len(text) * em)]
        h, w = ref.shape
        centre = (y0 + y1) / 2 * scale
        best, at = -1.0, (0, 0)
        for dy in range(int(centre - 1.5 * em), int(centre + 0.5 * em)):
            for dx in range(round(x0 * scale) - 4, round(x0 * scale) + 5):
                window = page[dy : dy + h, dx : dx + w]
                if window.shape == ref.shape and (score := _ncc(window, ref)) > best:
                    best, at = score, (dy, dx)
        dy, dx = at
        glyphs = {c: _drawn(c, em, font)[top:bottom, : round(em)] for c in set(text)}
        own = True
        for i, char in enumerate(text):
            left = dx + round(i * em)
            cell = page[dy : dy + h, left : left + glyphs[char].shape[1]]
            scores = {c: _ncc(cell, g) for c, g in glyphs.items() if g.shape == cell.shape}
            own = own and max(scores, key=scores.__getitem__) == char
        word_ink = float(page[dy : dy + h, dx : dx + w].mean())
        blank_ink = float(page[: round(8 * scale), : round(8 * scale)].mean())  # top-left margin
        results.append((text, best, own, word_ink, blank_ink))
    return results


def _assert_real_glyphs(pdf: Path, tmp: Path) -> None:
    scores = _glyph_scores(pdf, tmp)
    assert len(scores) >= 3, "no Chinese text found in the PDF"
    for text, match, own, word_ink, blank_ink in scores:
        assert match > 0.6 and own, f"{text}: not drawn in CJK glyphs (match {match:.2f})"
        assert word_ink > 0.05 and blank_ink < 0.001, (text, word_ink, blank_ink)


def test_pdf_first_page_is_a_real_image(report: tuple[Path, str], tmp_path: Path) -> None:
    target = tmp_path / "first"
    _run([_tool("pdftoppm"), "-f", "1", "-l", "1", "-r", "60", "-png", "-singlefile",
          str(report[0] / "report.pdf"), str(target)])  # fmt: skip
    data = (tmp_path / "first.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(tmp_path / "first.png")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.02  # an A4 page
    ink = _ink(image)
    assert 0.01 < float((ink > 0.5).mean()) < 0.5  # text drawn, not a blank or black page
    assert len(np.unique((ink * 255).astype(int))) > 16  # antialiased text, not a flat fill


def test_pdf_embeds_cjk_font_and_draws_its_glyphs(report: tuple[Path, str], tmp_path: Path) -> None:
    pdf = report[0] / "report.pdf"
    fonts = _run([_tool("pdffonts"), str(pdf)]).stdout.splitlines()
    cjk = [line for line in fonts if re.search(r"(?i)noto.?sans.?cjk", line)]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts  # emb column
    _assert_real_glyphs(pdf, tmp_path)


def test_chromium_draws_cjk_glyphs(report: tuple[Path, str], tmp_path: Path) -> None:
    printed = tmp_path / "chromium.pdf"
    _chromium((report[0] / "report.html").as_uri(), tmp_path, "--no-pdf-header-footer",
              f"--print-to-pdf={printed}")  # fmt: skip
    _assert_real_glyphs(printed, tmp_path)


def test_glyph_check_rejects_boxes(tmp_path: Path) -> None:
    """The control: the same check fails a PDF whose Chinese has no font (drawn as boxes)."""
    latin = _run([_tool("fc-match"), "-f", "%{file}", "DejaVu Sans"]).stdout
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig>'
        f"<dir>{html.escape(str(Path(latin).parent))}</dir>"
        f"<cachedir>{html.escape(str(tmp_path / 'cache'))}</cachedir></fontconfig>"
    )
    pdf = tmp_path / "boxes.pdf"
    script = (
        "import sys; from weasyprint import HTML; HTML(string='<p style=\"font: 12pt Noto Sans "
        "CJK SC\">量大优惠 免费更新 先到先得</p>').write_pdf(sys.argv[1])"
    )
    done = _run(
        [sys.executable, "-c", script, str(pdf)], env={**os.environ, "FONTCONFIG_FILE": str(conf)}
    )
    assert done.returncode == 0, done.stderr
    assert "CJK" not in _run([_tool("pdffonts"), str(pdf)]).stdout
    scores = _glyph_scores(pdf, tmp_path)
    assert len(scores) == 3
    assert all(match < 0.5 for _, match, _, _, _ in scores), scores
    assert not any(match > 0.6 and own for _, match, own, _, _ in scores), scores
