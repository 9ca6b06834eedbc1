"""Helpers for the config tests."""

from __future__ import annotations

import textwrap

import pytest

from zonecut.config import ConfigError, ConfigProblem, load_config_text

HEADER = """\
version: 1
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
zones:
  - name: example.com
    account: network
    root: true
"""
"""Eight lines of a valid config; zones appended after it start on line 9."""


def problems(text: str) -> list[ConfigProblem]:
    """The problems ``text`` raises (dedented); fails when it loads."""
    with pytest.raises(ConfigError) as caught:
        load_config_text(textwrap.dedent(text), "zonecut.yaml")
    return caught.value.problems


def one_problem(text: str) -> ConfigProblem:
    found = problems(text)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]
