"""The KMS side of Route 53 DNSSEC in the sandbox: is a key usable for a KSK, and signing.

Reads moto's KMS backends in-process (the sandbox runs moto). A key is usable when, as
the Route 53 API reference (KeySigningKey, KmsArn) requires: its ARN is a key ARN in
us-east-1, the key exists, is ``Enabled``, its key spec is ``ECC_NIST_P256``, its usage
``SIGN_VERIFY``, and its key policy has an ``Allow`` statement whose principal is the
service ``dnssec-route53.amazonaws.com`` for ``kms:DescribeKey``, ``kms:GetPublicKey``
and ``kms:Sign`` (wildcards such as ``kms:*`` count). Conditions in the statement
(``aws:SourceAccount``, ``aws:SourceArn``) are not evaluated.
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any

from moto.kms.models import kms_backends

DNSSEC_SERVICE = "dnssec-route53.amazonaws.com"
REQUIRED_ACTIONS = ("kms:DescribeKey", "kms:GetPublicKey", "kms:Sign")
KMS_REGION = "us-east-1"
_KEY_ARN = re.compile(
    r"^arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):key/(?P<key>[A-Za-z0-9-]+)$")


class KmsProblem(Exception):
    """Why a KMS key cannot back a KSK (the message is shown to the caller)."""


def _key(arn: str) -> Any:
    found = _KEY_ARN.match(arn)
    if found is None:
        raise KmsProblem(f"The KMS ARN {arn} is not a valid KMS key ARN.")
    if found["region"] != KMS_REGION:
        raise KmsProblem(
            f"The KMS key {arn} must be in the {KMS_REGION} region to be used for DNSSEC "
            "signing.")
    backend = kms_backends[found["account"]][KMS_REGION]
    key = backend.keys.get(found["key"])
    if key is None:
        raise KmsProblem(f"The KMS key {arn} does not exist or Route 53 cannot access it.")
    return key


def _statement_grants(statement: dict[str, Any], action: str) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    services: Any = principal.get("Service", []) if isinstance(principal, dict) else []
    if isinstance(services, str):
        services = [services]
    if DNSSEC_SERVICE not in services:
        return False
    actions: Any = statement.get("Action", [])
    if isinstance(actions, str):
        actions = [actions]
    return any(fnmatch.fnmatchcase(action.lower(), str(a).lower()) for a in actions)


def _policy_problem(arn: str, policy_text: str) -> str | None:
    try:
        policy = json.loads(policy_text)
    except ValueError:
        return f"The key policy of {arn} is not valid JSON."
    statements: Any = policy.get("Statement", []) if isinstance(policy, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    missing = [a for a in REQUIRED_ACTIONS
               if not any(isinstance(s, dict) and _statement_grants(s, a) for s in statements)]
    if missing:
        return (f"The key policy of {arn} does not allow the service principal "
                f"{DNSSEC_SERVICE} to use {', '.join(missing)}.")
    return None


def problem(arn: str) -> str | None:
    """Why the key ``arn`` cannot be used for DNSSEC signing now, or None when it can."""
    try:
        key = _key(arn)
    except KmsProblem as exc:
        return str(exc)
    if key.key_state != "Enabled" or not key.enabled:
        return f"The KMS key {arn} is {key.key_state}; it must be Enabled."
    if key.key_spec != "ECC_NIST_P256":
        return f"The KMS key {arn} has key spec {key.key_spec}; it must be ECC_NIST_P256."
    if key.key_usage != "SIGN_VERIFY":
        return f"The KMS key {arn} has key usage {key.key_usage}; it must be SIGN_VERIFY."
    return _policy_problem(arn, str(key.policy))


def public_key_der(arn: str) -> bytes:
    """The key's public key as KMS GetPublicKey returns it (DER SubjectPublicKeyInfo)."""
    public: bytes = _key(arn).private_key.public_key()
    return public


def sign(arn: str, data: bytes) -> bytes:
    """KMS Sign (``ECDSA_SHA_256``, message type RAW) of ``data``: a DER signature.

    Raises :class:`KmsProblem` when the key cannot be used (disabled, deleted, policy)."""
    found = problem(arn)
    if found is not None:
        raise KmsProblem(found)
    signature: bytes = _key(arn).private_key.sign(data, "ECDSA_SHA_256")
    return signature
