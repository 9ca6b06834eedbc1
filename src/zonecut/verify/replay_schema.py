"""The shape of a saved observations file, checked with pydantic before it is read.

``verify --replay`` reads a file a user hands in: every field is checked here (types,
enum values, ranges) so that a malformed file gives one message naming the field
(``queries[3].outcome: ...``), never a traceback from deep inside the checks. Unknown
keys are allowed (a newer build may add some); missing optional ones take defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zonecut.verify.observations import Outcome, Role
from zonecut.verify.targets import ZoneLookup

Port = Annotated[int, Field(ge=0, le=65535)]
Text = Annotated[str, Field(max_length=4096)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _RRSet(_Model):
    name: Text
    type: Text
    ttl: Annotated[int, Field(ge=0)]
    values: list[Text]
    alias_target: Any = None


class _Zone(_Model):
    zone_id: Text
    name: Text
    account_id: Text
    name_servers: list[Text]
    private: bool = False
    record_count: Annotated[int, Field(ge=0)] = 0
    caller_reference: Text = ""
    comment: Text | None = ""


class _AncestorNS(_Model):
    zone: Text
    ns: _RRSet


class _CopyNS(_Model):
    zone_id: Text
    ns: _RRSet


class _Target(_Model):
    child: Text
    parent: Text | None = None
    child_account: Text
    parent_account: Text | None = None
    child_zone: _Zone | None = None
    child_apex_ns: _RRSet | None = None
    parent_ns: _RRSet | None = None
    parent_other_at_or_below_cut: list[_RRSet] = []
    ancestor_delegations: list[_AncestorNS] = []
    child_record_count: Annotated[int, Field(ge=0)] = 0
    record_limit: Annotated[int, Field(ge=0)] = 10000
    lookup: ZoneLookup | None = None
    lookup_error: Text = ""
    copies: list[_Zone] = []
    parent_lookup: ZoneLookup = ZoneLookup.FOUND
    parent_copy_ns: list[_CopyNS] = []


class _Query(_Model):
    role: Role
    server: Text
    address: Text
    port: Port
    qname: Text
    qtype: Text
    outcome: Outcome
    rcode: Text = "NOERROR"
    aa: bool = False
    tcp: bool = False
    answer_ns: list[Text] = []
    answer_addresses: list[Text] = []
    answer_cname: Text | None = None
    authority_zone: Text | None = None
    authority_ns: list[Text] = []
    glue: list[Annotated[list[Text], Field(min_length=2, max_length=2)]] = []
    soa_serial: Annotated[int, Field(ge=0, le=2**32 - 1)] | None = None
    attempts: Annotated[int, Field(ge=1)] = 1
    rtt_ms: Annotated[float, Field(ge=0)] | Annotated[int, Field(ge=0)] = 0.0
    error: Text = ""


class _Host(_Model):
    name: Text
    addresses: list[Text]
    error: Text = ""
    denied: bool = False


class _Path(_Model):
    child: Text
    parent_zone: Text | None = None
    parent_servers: list[Text]
    hops: list[Text] = []
    walk_error: Text | None = None
    limits: list[Text] = []
    incomplete: Text | None = None


class _Root(_Model):
    name: Text
    address: Text
    port: Port = 53


class _Stats(_Model):
    queries: Annotated[int, Field(ge=0)] = 0
    attempts: Annotated[int, Field(ge=0)] = 0
    seconds: Annotated[float, Field(ge=0)] | Annotated[int, Field(ge=0)] = 0.0


class ObservationsFile(_Model):
    format: Text
    version: int
    stats: _Stats = _Stats()
    roots: list[_Root] = []
    targets: list[_Target] = []
    paths: list[_Path] = []
    hosts: list[_Host] = []
    queries: list[_Query] = []


def _where(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("list[str]", "int", "float", "str", "bool") or "[" in str(part):
            continue  # pydantic's union-member labels, not fields
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def validation_problem(data: Mapping[str, Any]) -> str | None:
    """One line for the first problem in ``data`` (field path and what is wrong), or
    ``None`` when it has the shape of an observations file."""
    try:
        ObservationsFile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        return f"{_where(tuple(first['loc']))}: {first['msg']}{more}"
    return None
