"""Fixtures of the Lambda handler tests: the parent zone and CloudFormation's responses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cloudformation_side import CloudFormation
from lambda_support import Responses, make_parent

from zonecut.sandbox import Sandbox


@pytest.fixture
def responses() -> Iterator[Responses]:
    server = Responses()
    yield server
    server.close()


@pytest.fixture
def lambda_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The function's own credentials (Lambda sets them in the environment)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def parent(fresh_sandbox: Sandbox, lambda_credentials: None) -> dict[str, str]:
    """example.com in the network account (with a record of its own); the handlers' env."""
    return make_parent(fresh_sandbox)


@pytest.fixture
def cfn(fresh_sandbox: Sandbox) -> CloudFormation:
    """CloudFormation's side of the custom resource protocol (real stacks in the sandbox)."""
    return CloudFormation(fresh_sandbox)
