"""Regenerate the tables of docs/iam.md from the example configs.

Each block between ``<!-- BEGIN zonecut iam -o triples -c FILE [--teardown] -->`` and
``<!-- END -->`` is replaced by what `zonecut iam -o triples` prints for FILE.
``python tools/iam_doc.py`` rewrites docs/iam.md; ``--check`` only says whether it is
current (exit 1 if not). tests/iam/test_iam_doc.py runs the check.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from zonecut.config import build_tree, load_config_text
from zonecut.iam import account_permissions
from zonecut.iam.describe import triples_markdown

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "iam.md"
BLOCK = re.compile(r"(<!-- BEGIN zonecut iam -o triples -c (\S+)( --teardown)? -->\n)"
                   r"(.*?)(<!-- END -->)", re.DOTALL)


def table(config: str, teardown: bool) -> str:
    path = ROOT / config
    cfg = load_config_text(path.read_text(), config)
    return triples_markdown(account_permissions(cfg, build_tree(cfg), teardown=teardown))


def render(text: str) -> str:
    return BLOCK.sub(lambda m: m[1] + "\n" + table(m[2], bool(m[3])) + "\n" + m[5], text)


def main(argv: list[str]) -> int:
    text = DOC.read_text()
    wanted = render(text)
    if "--check" in argv:
        if wanted != text:
            print(f"{DOC} is out of date: run python tools/iam_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
