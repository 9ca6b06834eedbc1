"""The report and the picture open in a real browser: headless Chromium renders them.

The DOM Chromium builds (after the report's script ran) must name every zone; the
screenshots are kept under build/test-artifacts/ (gitignored) for a person to look at.
Skipped, with the reason, when Debian's chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from graph_data import broken, tree

from zonecut.graph import from_verify, render_html, render_svg
from zonecut.verify.findings import finding

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if Path("/usr/bin/chromium").exists() else None)
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(apt-get install chromium; .ci/run does it as root)")


def chromium(tmp_path: Path, page: Path, *args: str, fragment: str = ""
             ) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--enable-logging=stderr", f"--user-data-dir={profile}", *args,
         page.as_uri() + fragment],
        capture_output=True, text=True, timeout=120, check=False)


def drawn() -> tuple[list[str], str, str]:
    targets, findings = broken(tree(30, fanout=4), every=7)
    keys = {t.child_account: f"team <{i}> & co" for i, t in enumerate(targets)}
    graph = from_verify(targets, findings, account_keys=keys, title="Tree <of> 30 zones",
                        plan=("+ write NS z3.example.com in zone example.com",))
    return [t.child for t in targets], render_html(graph), render_svg(graph)


def test_chromium_renders_the_report_and_the_svg_with_every_zone(tmp_path: Path) -> None:
    names, html, svg = drawn()
    report, picture = tmp_path / "report.html", tmp_path / "graph.svg"
    report.write_text(html, encoding="utf-8")
    picture.write_text(svg, encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    dom = chromium(tmp_path, report, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    for name in names:
        assert f'data-zone="{name}"' in dom.stdout, name
        assert f">{name}<" in dom.stdout, name
    assert 'data-ready="1"' in dom.stdout  # the inline script ran
    assert "Uncaught" not in dom.stderr and "Refused to" not in dom.stderr
    assert "team &lt;0&gt; &amp; co" in dom.stdout  # user text as text, not markup
    assert "<0>" not in dom.stdout

    dom = chromium(tmp_path, picture, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", dom.stdout))
    assert set(names) <= texts, sorted(set(names) - texts)

    for page, shot in ((report, "report.png"), (picture, "graph.png")):
        target = ARTIFACTS / shot
        target.unlink(missing_ok=True)
        done = chromium(tmp_path, page, f"--screenshot={target}", "--window-size=1600,1400")
        assert done.returncode == 0, done.stderr[-2000:]
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 10000


def test_the_report_filters_by_severity_and_account_in_the_browser(tmp_path: Path) -> None:
    targets, findings = broken(tree(30, fanout=4), every=7)
    extra = [finding("NS_TTL_POLICY", targets[1].child, "TTL 60 is below 300")]
    graph = from_verify(targets, [*findings, *extra])
    report = tmp_path / "report.html"
    report.write_text(render_html(graph), encoding="utf-8")
    rows = re.compile(r'<tr data-severity="(\w+)" data-account="(\d*)"( hidden="")?>')

    dom = chromium(tmp_path, report, "--dump-dom", fragment="#severity=info")
    assert dom.returncode == 0, dom.stderr[-2000:]
    seen = [(bool(h), s) for s, _, h in rows.findall(dom.stdout)]
    assert sorted(seen) == sorted([(False, "info")] + [(True, "critical")] * len(findings))
    assert '<span id="shown">1</span>' in dom.stdout

    account = targets[7].child_account  # the first dangling zone's
    dom = chromium(tmp_path, report, "--dump-dom", fragment=f"#account={account}")
    shown = [a for _, a, h in rows.findall(dom.stdout) if not h]
    assert shown and set(shown) == {account}


def test_a_column_heading_sorts_the_findings_in_the_browser(tmp_path: Path) -> None:
    targets, findings = broken(tree(30, fanout=4), every=5)
    report = tmp_path / "report.html"
    report.write_text(render_html(from_verify(targets, findings[::-1])), encoding="utf-8")
    # the findings come sorted by zone already: a second click makes it descending
    dom = chromium(tmp_path, report, "--dump-dom", fragment="#sort=zone&sort=zone")
    assert dom.returncode == 0, dom.stderr[-2000:]
    table = dom.stdout.split('<table id="findings"', 1)[1].split("</table>", 1)[0]
    zones = re.findall(r"</td><td>[A-Z_]+</td><td>([^<]+)</td>", table)
    assert len(zones) == len(findings) > 2
    assert zones == sorted(zones, reverse=True) != sorted(zones)
