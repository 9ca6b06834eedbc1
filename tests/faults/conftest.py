"""The fault tests use the shared sandbox; faults are switched off again after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zonecut.sandbox import Sandbox
from zonecut.sandbox.fault_settings import FaultSettings


@pytest.fixture
def faulty(fresh_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The sandbox, empty; whatever faults the test sets are off again afterwards."""
    yield fresh_sandbox
    fresh_sandbox.set_faults(FaultSettings())
