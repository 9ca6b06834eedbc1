"""Shared fixtures: the in-process sandbox (see tests/sandbox_fixtures.py), and the
hypothesis profile every property test runs under."""

import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sandbox_fixtures import fresh_sandbox, sandbox  # noqa: F401

# Property tests check what is true of every drawn value, never how fast one example
# runs: hypothesis's default 200 ms deadline made them fail on a loaded 2-core machine
# (tests/child/test_handoff_documents.py, seed 11, under a CI run and four other jobs).
# Speed targets live in bench/, not in tests.
settings.register_profile("zonecut", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("zonecut")
