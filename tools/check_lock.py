"""Check that the running environment holds exactly the versions a lock file names.

Usage: python tools/check_lock.py requirements/lock.txt

Every requirement whose environment marker holds here must be installed at the
locked version, and nothing else may be installed but the project itself (and
pip/uv's own tooling). Exits 1 with one line per difference; 0 when they agree.
Run by the Makefile after each install, so `make test` checks what the lock says.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

PROJECT = "zonecut"
ALLOWED_EXTRA = {"pip"}
"""Installed by `python -m venv` itself; neither the lock nor uv manages it."""

_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(path: Path) -> dict[str, str]:
    """name -> version for every requirement of ``path`` whose marker holds here."""
    wanted: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "--hash")):
            continue
        match = _LINE.match(line)
        if match is None:
            raise SystemExit(f"{path}:{number}: not a pinned requirement: {line}")
        name, version, marker = match.groups()
        if marker and not Marker(marker).evaluate():
            continue
        wanted[canonicalize_name(name)] = version
    return wanted


def installed() -> dict[str, str]:
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[canonicalize_name(name)] = dist.version
    return found


def differences(wanted: dict[str, str], have: dict[str, str]) -> list[str]:
    lines = []
    for name, version in sorted(wanted.items()):
        if name not in have:
            lines.append(f"{name}=={version} is locked but not installed")
        elif have[name] != version:
            lines.append(f"{name} is {have[name]}, the lock says {version}")
    for name in sorted(set(have) - set(wanted) - {PROJECT} - ALLOWED_EXTRA):
        lines.append(f"{name}=={have[name]} is installed but not in the lock")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 64
    path = Path(argv[1])
    problems = differences(locked(path), installed())
    for line in problems:
        print(f"{path}: {line}", file=sys.stderr)
    if not problems:
        print(f"{path}: the environment matches the lock")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
