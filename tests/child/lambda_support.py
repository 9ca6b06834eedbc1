"""The Lambda handlers' test world: the parent zone example.com in the network account,
child zones in consumer accounts, a local HTTP server for CloudFormation's responses, a
Lambda context whose time runs out, and what to compare afterwards."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from child_support import DEV, NETWORK, rrsets

from sandbox_fixtures import session_for
from zonecut.names import normalize
from zonecut.sandbox import SandboxControl


class Responses:
    """A local HTTP server standing in for CloudFormation's pre-signed S3 URL."""

    def __init__(self) -> None:
        received: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/cfn/{name}?X-Amz-Signature=example"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Context:
    """What Lambda passes as ``context``, as far as the handlers use it: the time left,
    counted down by the clock, or set by a test."""

    def __init__(self, seconds: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.ends = clock() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.ends - self.clock()) * 1000))

    def expire(self) -> None:
        self.ends = self.clock()


def make_parent(sandbox: SandboxControl, allow: dict[str, list[str]] | None = None,
                **extra: str) -> dict[str, str]:
    """example.com in the network account (with a record of its own); the handlers' env."""
    r53 = session_for(sandbox, NETWORK).client("route53")
    made = r53.create_hosted_zone(Name="example.com", CallerReference="parent")
    zid = made["HostedZone"]["Id"].split("/")[-1]
    r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {
            "Name": "www.example.com", "Type": "A", "TTL": 300,
            "ResourceRecords": [{"Value": "192.0.2.1"}]}}]})
    return {
        "ZONECUT_PARENT_ZONE_ID": zid,
        "ZONECUT_PARENT_ACCOUNT_ID": NETWORK,
        "ZONECUT_PARENT_ROLE_ARN": f"arn:aws:iam::{NETWORK}:role/ZonecutDelegation",
        "ZONECUT_ALLOW": json.dumps(allow or {DEV: ["dev.example.com", "*.dev.example.com"]}),
        "ZONECUT_NS_TTL": "900",
        "ZONECUT_RATE_LIMIT": "100",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": sandbox.endpoint_url,
        **extra,
    }


def snapshot(sandbox: SandboxControl) -> list[str]:
    """The parent zone's record sets and the SSM parameters, comparable."""
    r53 = session_for(sandbox, NETWORK).client("route53")
    records = sorted(json.dumps(r, sort_keys=True) for r in rrsets(r53, "example.com"))
    ssm = session_for(sandbox, NETWORK).client("ssm", region_name="us-east-1")
    params = ssm.get_parameters_by_path(Path="/", Recursive=True)["Parameters"]
    return records + sorted(p["Name"] for p in params)


def parameters(sandbox: SandboxControl, path: str) -> dict[str, dict[str, Any]]:
    ssm = session_for(sandbox, NETWORK).client("ssm", region_name="us-east-1")
    found = ssm.get_parameters_by_path(Path=path, Recursive=True)["Parameters"]
    return {p["Name"]: json.loads(p["Value"]) for p in found}


def delegation(sandbox: SandboxControl, name: str) -> dict[str, Any] | None:
    r53 = session_for(sandbox, NETWORK).client("route53")
    found = [r for r in rrsets(r53, "example.com")
             if r["Type"] == "NS" and normalize(r["Name"]) == name]
    return found[0] if found else None


def servers_of(record: dict[str, Any] | None) -> list[str]:
    return sorted(normalize(v["Value"]) for v in (record or {}).get("ResourceRecords", []))


def child_zone(sandbox: SandboxControl, name: str, account: str = DEV,
               reference: str | None = None) -> tuple[str, list[str]]:
    r53 = session_for(sandbox, account).client("route53")
    made = r53.create_hosted_zone(Name=name, CallerReference=reference or f"{account}-{name}")
    servers = sorted(normalize(s) for s in made["DelegationSet"]["NameServers"])
    return made["HostedZone"]["Id"].split("/")[-1], servers


def delete_zone(sandbox: SandboxControl, zone_id: str, account: str = DEV) -> None:
    session_for(sandbox, account).client("route53").delete_hosted_zone(Id=zone_id)


def write_ns(sandbox: SandboxControl, env: dict[str, str], name: str,
             servers: list[str], ttl: int = 900) -> None:
    """An NS rrset written into the parent by someone else (a person, another tool)."""
    r53 = session_for(sandbox, NETWORK).client("route53")
    r53.change_resource_record_sets(
        HostedZoneId=env["ZONECUT_PARENT_ZONE_ID"], ChangeBatch={"Changes": [{
            "Action": "UPSERT", "ResourceRecordSet": {
                "Name": name, "Type": "NS", "TTL": ttl,
                "ResourceRecords": [{"Value": s} for s in servers]}}]})
