"""Shared fixtures: the in-process sandbox (see tests/sandbox_fixtures.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sandbox_fixtures import fresh_sandbox, sandbox  # noqa: F401
