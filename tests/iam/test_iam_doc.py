"""docs/iam.md shows what `zonecut iam -o triples` prints for the example configs, and
README's IAM summary says teardown needs --teardown."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from typer.testing import CliRunner

from zonecut.cli.main import app

ROOT = Path(__file__).resolve().parents[2]


def tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("iam_doc", ROOT / "tools" / "iam_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_iam_md_matches_the_generator() -> None:
    doc = tool()
    text = doc.DOC.read_text()
    blocks = doc.BLOCK.findall(text)
    assert len(blocks) == 3
    assert doc.render(text) == text, "docs/iam.md is out of date: python tools/iam_doc.py"
    # the check can fail: a row taken out is noticed
    row = next(line for line in text.splitlines() if line.startswith("| `DelegateExampleCom`"))
    assert doc.render(text.replace(row + "\n", "", 1)) != text.replace(row + "\n", "", 1)


def test_the_cli_prints_the_same_tables() -> None:
    doc = tool()
    result = CliRunner().invoke(app, ["iam", "-c", str(ROOT / "examples" / "org.yaml"),
                                      "-o", "triples", "--teardown"])
    assert result.exit_code == 0, result.output
    assert result.stdout == doc.table("examples/org.yaml", True)


def test_readme_says_teardown_needs_its_own_permissions() -> None:
    readme = (ROOT / "README.md").read_text()
    summary = readme[readme.index("`zonecut iam -c zonecut.yaml`"):readme.index("## Benchmarks")]
    assert "--teardown" in summary and "destroy" in summary and "--prune" in summary
    # DS is granted only for DNSSEC (issue 15): every line that names it says so
    for line in summary.splitlines():
        if "DS" in line.replace("DNS", ""):
            assert "dnssec" in line, line
