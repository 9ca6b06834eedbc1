"""Pytest fixtures for tests that run against the sandbox (import them in a conftest).

- ``sandbox``: the process's in-process :class:`~zonecut.sandbox.Sandbox`, started once
  (DNS on 127.53.x.x or the next free block; port 53 when running as root) and
  stopped at interpreter exit. Importing these fixtures from several conftests is
  harmless: they all share the one running sandbox.
- ``fresh_sandbox``: the same sandbox after ``reset()`` (no AWS data, registrations,
  behaviours or counts).
- ``session_for(sandbox, account_id)``: a boto3 session in ``account_id`` through STS
  ``AssumeRole`` of ``arn:aws:iam::<account_id>:role/ZonecutDelegation`` on the
  sandbox; its clients and resources default to the sandbox endpoint.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest

from zonecut.sandbox import Sandbox, SandboxControl, active_sandbox

ROLE_NAME = "ZonecutDelegation"
REGION = "us-east-1"
BASE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# One model loader for every test session: loading service models is most of the
# cost of a new boto3 session and client.
_LOADER = botocore.loaders.create_loader()


class SandboxSession(boto3.Session):
    """A boto3 session whose clients and resources talk to the sandbox by default."""

    def __init__(self, endpoint_url: str, **kwargs: Any) -> None:
        core = botocore.session.get_session()
        core.register_component("data_loader", _LOADER)
        super().__init__(botocore_session=core, region_name=REGION, **kwargs)
        self.endpoint_url = endpoint_url

    def _setup_loader(self) -> None:
        # boto3 appends its data path to the (here shared) loader on every session
        self._loader = self._session.get_component("data_loader")
        path = os.path.join(os.path.dirname(boto3.__file__), "data")
        if path not in self._loader.search_paths:
            self._loader.search_paths.append(path)

    def client(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().client(*args, **kwargs)

    def resource(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().resource(*args, **kwargs)


def base_session(sandbox: SandboxControl) -> SandboxSession:
    """Static test credentials: moto puts them in the default account 123456789012."""
    return SandboxSession(sandbox.endpoint_url, **BASE_CREDENTIALS)


def session_for(
    sandbox: SandboxControl, account_id: str, role_name: str = ROLE_NAME
) -> SandboxSession:
    """A session in ``account_id`` obtained with STS AssumeRole through the sandbox."""
    sts = base_session(sandbox).client("sts")
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}",
        RoleSessionName=f"zonecut-test-{account_id}",
    )["Credentials"]
    return SandboxSession(
        sandbox.endpoint_url,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def shared_sandbox() -> Sandbox:
    """The process's running sandbox, started on first use."""
    running = active_sandbox()
    if running is not None:
        return running
    started = Sandbox()
    started.start()
    atexit.register(started.stop)
    return started


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    yield shared_sandbox()


@pytest.fixture
def fresh_sandbox(sandbox: Sandbox) -> Sandbox:
    sandbox.reset()
    return sandbox
