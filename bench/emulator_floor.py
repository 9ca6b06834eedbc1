"""The emulator's own floor, measured on the run's sandbox before its realistic faults
are switched on: seconds per bare sequential Route 53 request, and bare requests per
second with many sent at once (boto3 straight to the endpoint, no zonecut)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from zonecut.sandbox.control import SandboxClient

ACCOUNT = "111111111111"


def _client(endpoint_url: str) -> Any:
    base = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench",
                                 region_name="us-east-1")
    creds = base.client("sts", endpoint_url=endpoint_url).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/ZonecutDelegation",
        RoleSessionName="bench-floor")["Credentials"]
    return boto3.client("route53", endpoint_url=endpoint_url, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def measure(control: SandboxClient, sequential: int = 60, parallel: int = 240,
            workers: int = 16) -> dict[str, float]:
    """Needs the sandbox without latency or buckets (the caller switches them on after)."""
    client = _client(control.endpoint_url)
    client.list_hosted_zones()  # warm the connection
    started = time.perf_counter()
    for _ in range(sequential):
        client.list_hosted_zones_by_name(DNSName="floor.example.com.", MaxItems="1")
    per_call = (time.perf_counter() - started) / sequential
    clients = [_client(control.endpoint_url) for _ in range(workers)]

    def burst(index: int) -> None:
        for _ in range(parallel // workers):
            clients[index].list_hosted_zones_by_name(DNSName="floor.example.com.",
                                                     MaxItems="1")

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(burst, range(workers)))
    throughput = (parallel // workers) * workers / (time.perf_counter() - started)
    return {"per_call_seconds": round(per_call, 4), "requests_per_second": round(throughput, 1)}
