"""`zonecut audit` over an organisation of many accounts, against its bound:
`python -m bench.audit_case ACCOUNTS OUT.json [--parallel P]`.

The organisation (made on a fresh sandbox, before the realistic faults are switched on,
with boto3 straight to the sandbox, many accounts at once: zonecut plays no part in
it): moto Organizations with ``ACCOUNTS`` member accounts; the first holds
``example.com``; member k (k >= 1) holds ``tK.example.com``, delegated from example.com,
and ``api.tK.example.com``, delegated from it; strays: every tenth member also holds
``lostK.example.com``, delegated by nobody (an orphan), and in every fiftieth (k = 25
mod 50) ``tK.example.com`` is deleted after its delegation was written (dangling).

Then the sandbox gets its realistic faults (latency, token buckets, PENDING) and the
audit runs in a process of its own (so its peak RSS is its own) as ``zonecut audit``
reads an organisation: ``ListAccounts`` with the management account's credentials, then
every ACTIVE account through the ``ZonecutAudit`` role, ``PARALLEL`` accounts at once,
each account's client limited to Route 53's documented account rate (10 per second).

The bound: ``ListAccounts``' pages one after another (at the emulator's own time for
them, measured bare after the setup: moto's ListAccounts slows with the accounts), then
every account needs one ``AssumeRole`` (the emulator's time per request: the sandbox
adds no latency to STS) and its Route 53 calls (``ListHostedZones``, per public zone
``GetHostedZone`` and ``ListResourceRecordSets``), each one round trip (the latency
plus the emulator's own time per request, measured in the same run; or the client's
rate spacing, if longer), accounts ``PARALLEL`` at a time:
``accounts x calls x cost / parallelism``; or, if larger, the other requests of the
audit at the emulator's throughput.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from bench import emulator_floor
from bench.measure import STS_OPERATIONS, cpu_seconds, peak_rss_mb, provenance
from zonecut.aws.organizations import PACE_BURST, PACE_RATE
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.fault_settings import FaultSettings
from zonecut.sandbox.process import down, load_info, up

ROLE = "ZonecutAudit"
RATE = 10.0
"""Route 53's documented account rate, given to the audit's client (``--rate-limit 10``)."""
PARALLEL = 8
"""Accounts read at once: ``zonecut audit``'s default ``--max-parallel``."""
LIST_ACCOUNTS_PAGE = 20
"""The most Organizations ``ListAccounts`` returns per page (its MaxResults limit)."""
NS_PER_BATCH = 250
"""NS rrsets of 4 servers per ChangeResourceRecordSets (Route 53: 1,000 values a batch)."""


def _base() -> boto3.session.Session:
    """The sandbox's management account (any static key: moto puts it there)."""
    return boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench",
                                 region_name="us-east-1")


@dataclass(frozen=True)
class Member:
    index: int
    orphan: bool  # holds lostK.example.com, delegated by nobody
    dangling: bool  # tK.example.com deleted after example.com delegated it

    @property
    def zones(self) -> int:
        """Public zones the account holds when the audit runs."""
        if self.index == 0:
            return 1
        return (1 if self.dangling else 2) + (1 if self.orphan else 0)


def members(accounts: int) -> list[Member]:
    return [Member(k, orphan=k > 0 and k % 10 == 0, dangling=k % 50 == 25)
            for k in range(accounts)]


def _route53(endpoint_url: str, account_id: str) -> Any:
    sts = _base().client("sts", endpoint_url=endpoint_url)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}",
                            RoleSessionName="bench-setup")["Credentials"]
    return boto3.client("route53", endpoint_url=endpoint_url, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def _ns_change(name: str, servers: list[str]) -> dict[str, Any]:
    return {"Action": "CREATE", "ResourceRecordSet": {
        "Name": name, "Type": "NS", "TTL": 3600,
        "ResourceRecords": [{"Value": s} for s in servers]}}


def build(endpoint_url: str, accounts: int, workers: int = 8) -> dict[str, Any]:
    """The organisation and its zones (no faults on); what was made."""
    org = _base().client("organizations", endpoint_url=endpoint_url)
    org.create_organization(FeatureSet="ALL")
    started = time.perf_counter()

    def make_account(k: int) -> str:
        made = org.create_account(AccountName=f"Team {k:04d}", Email=f"team{k}@example.org")
        return str(made["CreateAccountStatus"]["AccountId"])

    with ThreadPoolExecutor(workers) as pool:
        ids = list(pool.map(make_account, range(accounts)))
    listed = members(accounts)
    apex_client = _route53(endpoint_url, ids[0])
    apex = apex_client.create_hosted_zone(Name="example.com", CallerReference="apex")
    apex_id = apex["HostedZone"]["Id"]

    def make_zones(member: Member) -> tuple[str, list[str], str] | None:
        if member.index == 0:
            return None
        r53 = _route53(endpoint_url, ids[member.index])
        name = f"t{member.index}.example.com"
        team = r53.create_hosted_zone(Name=name, CallerReference=name)
        api = r53.create_hosted_zone(Name=f"api.{name}", CallerReference=f"api.{name}")
        r53.change_resource_record_sets(
            HostedZoneId=team["HostedZone"]["Id"],
            ChangeBatch={"Changes": [_ns_change(f"api.{name}",
                                                api["DelegationSet"]["NameServers"])]})
        if member.orphan:
            r53.create_hosted_zone(Name=f"lost{member.index}.example.com",
                                   CallerReference=f"lost{member.index}")
        return name, list(team["DelegationSet"]["NameServers"]), team["HostedZone"]["Id"]

    with ThreadPoolExecutor(workers) as pool:
        teams = [t for t in pool.map(make_zones, listed) if t is not None]
    changes = [_ns_change(name, servers) for name, servers, _ in teams]
    for first in range(0, len(changes), NS_PER_BATCH):
        apex_client.change_resource_record_sets(
            HostedZoneId=apex_id, ChangeBatch={"Changes": changes[first:first + NS_PER_BATCH]})
    for member, (name, _, zone_id) in zip(listed[1:], teams, strict=True):
        if member.dangling:  # empty it (the api delegation), then delete it
            r53 = _route53(endpoint_url, ids[member.index])
            sets = r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
            cut = [s for s in sets if s["Type"] == "NS" and s["Name"].rstrip(".") != name]
            r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
                {"Action": "DELETE", "ResourceRecordSet": s} for s in cut]})
            r53.delete_hosted_zone(Id=zone_id)
    setup = time.perf_counter() - started
    # The emulator's own time for ListAccounts with this many accounts (bare boto3, every
    # page): far above its time for other requests (moto builds each page from all).
    began = time.perf_counter()
    pages = org.get_paginator("list_accounts").paginate(
        PaginationConfig={"PageSize": LIST_ACCOUNTS_PAGE})
    listed_bare = sum(1 for _ in pages)
    list_bare = time.perf_counter() - began
    return {"accounts": accounts, "zones": sum(m.zones for m in listed),
            "list_accounts_bare_seconds": round(list_bare, 3),
            "list_accounts_bare_pages": listed_bare,
            "orphans": sum(m.orphan for m in listed),
            "dangling": sum(m.dangling for m in listed),
            "setup_seconds": round(setup, 1)}


def audit_in_process(state_dir: Path, parallel: int) -> dict[str, Any]:
    """The audit itself (run as ``--one``, in a process of its own)."""
    from zonecut.audit import Scan, analyse, audit_accesses, build_tree
    from zonecut.runtime import Target

    info = load_info(state_dir)
    assert info is not None, "no sandbox running"
    started = time.perf_counter()
    cpu_before = cpu_seconds()
    scan = Scan(Target(endpoint_url=info.endpoint_url, sandbox=True), rate_limit=RATE,
                max_workers=parallel)
    chosen = scan.organization_accounts(page_size=LIST_ACCOUNTS_PAGE)
    listed = time.perf_counter()
    inventory = scan.read(chosen, audit_accesses(chosen, role_name=ROLE))
    findings = analyse(inventory, None, build_tree(inventory))
    seconds = time.perf_counter() - started
    codes: dict[str, int] = {}
    for f in findings:
        codes[f.code] = codes.get(f.code, 0) + 1
    return {"seconds": round(seconds, 3), "list_seconds": round(listed - started, 3),
            "accounts_read": len(chosen), "zones_read": len(inventory.zones),
            "failures": len(inventory.failures), "findings": dict(sorted(codes.items())),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "cpu_seconds": round(cpu_seconds() - cpu_before, 3)}


def bound(case: dict[str, Any], floor: dict[str, float], settings: FaultSettings,
          parallel: int, requests: int) -> dict[str, float]:
    """ListAccounts' pages, then accounts x calls x cost / parallelism, or the rest of the
    requests at the emulator's throughput, whichever is larger; ``reads_bound_seconds``
    is the part after ListAccounts."""
    listed = members(case["accounts"])
    read = len(listed) + 1  # the members and the management account (no zones)
    calls = read + sum(2 * m.zones for m in listed)  # ListHostedZones, then 2 a zone
    cost = max(settings.latency + floor["per_call_seconds"], 1.0 / RATE)
    pages = math.ceil(read / LIST_ACCOUNTS_PAGE)
    assume = read * floor["per_call_seconds"]  # one AssumeRole an account
    # ListAccounts' pages, one after another: at the emulator's bare time for them where
    # the run measured it, else at its time per ordinary request.
    listing = float(case.get("list_accounts_bare_seconds", pages * floor["per_call_seconds"]))
    reads_path = (calls * cost + assume) / parallel
    path = listing + reads_path
    reads_throughput = max(0, requests - pages) / floor["requests_per_second"]
    throughput = listing + reads_throughput
    # Not in the bound (zonecut's own choice, not an AWS quota): what its Organizations
    # pace alone makes ListAccounts' pages take, to set beside the listing measured.
    paced = max(0.0, pages - PACE_BURST) / PACE_RATE
    return {"route53_calls_needed": calls, "call_seconds": round(cost, 4),
            "list_pages": pages, "list_seconds": round(listing, 3),
            "list_client_pace_seconds": round(paced, 3),
            "path_seconds": round(path, 3),
            "throughput_seconds": round(throughput, 3),
            "reads_bound_seconds": round(max(reads_path, reads_throughput), 3),
            "bound_seconds": round(max(path, throughput), 3)}


def run(accounts: int, parallel: int) -> dict[str, Any]:
    state_dir = Path(tempfile.mkdtemp(prefix="zonecut-bench-audit-"))
    load = [os.getloadavg()[0]]
    info = up(state_dir, timeout=180.0)  # a loaded machine starts moto slowly
    try:
        control = SandboxClient(info)
        case = build(info.endpoint_url, accounts)
        print(f"bench: audit case: {case}", flush=True)
        floor = emulator_floor.measure(control)
        settings = FaultSettings.realistic()
        control.set_faults(settings)
        before = control.calls()
        out = state_dir / "audit.json"
        subprocess.run([sys.executable, "-m", "bench.audit_case", "--one", str(state_dir),
                        "--parallel", str(parallel), str(out)], check=True)
        measured: dict[str, Any] = json.loads(out.read_text())
        after = control.calls()
        load.append(os.getloadavg()[0])
        throttled = sum(count for (_, kind), count in control.faults().items()
                        if kind in ("quota", "rate-limit"))
    finally:
        down(state_dir)
    by_op: dict[str, int] = {}
    for key, value in after.items():
        if value - before.get(key, 0):
            by_op[key[1]] = by_op.get(key[1], 0) + value - before.get(key, 0)
    requests = sum(by_op.values())
    route53 = sum(n for op, n in by_op.items()
                  if op not in STS_OPERATIONS and op != "ListAccounts")
    limits = bound(case, floor, settings, parallel, requests)
    return {"case": case, "parallel": parallel, "rate_limit": RATE, "floor": floor,
            "realistic": settings.to_dict(), "throttled": throttled,
            "calls_by_operation": dict(sorted(by_op.items())), "requests": requests,
            "route53_calls": route53, "audit": measured, "bound": limits,
            "ratio": round(measured["seconds"] / limits["bound_seconds"], 3),
            "load_average": [round(x, 2) for x in load], **provenance()}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_case")
    parser.add_argument("accounts")
    parser.add_argument("out", type=Path)
    parser.add_argument("--parallel", type=int, default=PARALLEL)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # the child: ACCOUNTS is the state dir
        args.out.write_text(json.dumps(audit_in_process(Path(args.accounts), args.parallel)))
        return
    args.out.write_text(json.dumps(run(int(args.accounts), args.parallel), indent=2,
                                   sort_keys=True))


if __name__ == "__main__":
    main()
