"""An audit's memory does not grow with the organisation: each account's boto3 session
and Route 53 client are let go as soon as that account is read (while the others are
still being read), so a thousand accounts never hold a thousand of each.

The sessions and clients are watched through weak references taken from the audit's
own :class:`SessionFactory` (a subclass that only records what it hands out)."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from typing import Any

import boto3
import pytest
from audit_world import ROLE, World

from zonecut.audit import audit_accesses
from zonecut.audit.inventory import AccountFailure, AuditAccount
from zonecut.audit.reader import AccountResult, read_inventory
from zonecut.aws.access import AccountAccess
from zonecut.aws.fleet import Fleet
from zonecut.aws.sessions import SessionFactory
from zonecut.runtime import SANDBOX_CREDENTIALS
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

MEMBERS = 6


class WatchedFactory(SessionFactory):
    """The audit's session factory, unchanged, keeping a weak reference to each session
    and Route 53 client it makes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.watch_lock = threading.Lock()
        self.sessions: dict[str, list[weakref.ref[boto3.Session]]] = {}
        self.clients: dict[str, list[weakref.ref[Any]]] = {}

    def session(self, access: AccountAccess) -> boto3.Session:
        made = super().session(access)
        with self.watch_lock:
            refs = self.sessions.setdefault(access.account_id, [])
            if not any(ref() is made for ref in refs):
                refs.append(weakref.ref(made))
        return made

    def route53_client(self, access: AccountAccess) -> Any:
        client = super().route53_client(access)
        with self.watch_lock:
            self.clients.setdefault(access.account_id, []).append(weakref.ref(client))
        return client

    def alive(self, account_id: str) -> int:
        with self.watch_lock:
            refs = self.sessions.get(account_id, []) + self.clients.get(account_id, [])
        return sum(ref() is not None for ref in refs)


def collected(factory: WatchedFactory, account_id: str) -> None:
    """Run the collector (boto3 clients hold reference cycles: only it frees them). A
    ``gc.collect()`` made while another thread's collection is under way (the sandbox
    serves from threads of this process) returns at once without collecting, so it is
    tried again a few times; what is still referenced stays alive through every try."""
    for _ in range(10):
        gc.collect()
        if factory.alive(account_id) == 0:
            return
        time.sleep(0.05)


def test_each_account_s_session_and_client_are_gone_once_it_is_read(
        fresh_sandbox: Sandbox) -> None:
    world = World(fresh_sandbox)
    members = [world.account(f"Watched {i}") for i in range(MEMBERS)]
    for k, account_id in enumerate(members):
        world.zone(account_id, f"w{k}.example.com")
    scan = world.scan()
    accounts = [a for a in scan.organization_accounts() if a.account_id in members]
    factory = WatchedFactory(endpoint_url=fresh_sandbox.endpoint_url,
                             base_credentials=SANDBOX_CREDENTIALS, purpose="audit")
    fleet = Fleet(audit_accesses(accounts, role_name=ROLE), factory, rate_limit=1000.0)
    still_alive: dict[str, int] = {}
    made: dict[str, int] = {}

    def on_account(account: AuditAccount, result: AccountResult) -> None:
        assert not isinstance(result, AccountFailure), result
        collected(factory, account.account_id)
        with factory.watch_lock:
            made[account.account_id] = (len(factory.sessions.get(account.account_id, []))
                                        + len(factory.clients.get(account.account_id, [])))
        still_alive[account.account_id] = factory.alive(account.account_id)

    # One account at a time: what is alive when an account is done is that account's.
    inventory = read_inventory(accounts, fleet, max_workers=1, on_account=on_account)
    assert not inventory.failures and len(inventory.zones) == MEMBERS
    # Each account had one session and one client, and both were gone as soon as that
    # account was read, while the fleet (and the next accounts' reads) went on.
    assert made == dict.fromkeys(members, 2)
    assert still_alive == dict.fromkeys(members, 0)
    for member in members:
        collected(factory, member)
    assert all(factory.alive(m) == 0 for m in members)
    assert fleet.route53(members[0]) is not None  # the fleet itself still works
    assert factory.alive(members[0]) == 2  # and what it holds is watched: the check sees it
