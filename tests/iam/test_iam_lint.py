"""The generated policies, with and without --teardown, pass parliament; the templates
pass cfn-lint (the cross-check of the evaluator's view by independent linters)."""

from __future__ import annotations

import json

import cfnlint.api
import parliament
import pytest
from iam_cases import CONFIGS, load

from zonecut.iam import account_permissions, template

# parliament lints identity and resource policies: a role trust policy (Principal, no
# Resource) always gets exactly this finding.
TRUST_ONLY = ["MALFORMED"]
# parliament's route53:ChangeTagsForResource lists the healthcheck and hostedzone resource
# types as both required; AWS accepts either and zonecut tags hosted zones only.
TAG_ZONES = ["RESOURCE_MISMATCH"]


def findings(doc: object) -> list[str]:
    return [f.issue for f in parliament.analyze_policy_string(json.dumps(doc)).findings]


@pytest.mark.parametrize("teardown", [False, True], ids=["apply", "teardown"])
@pytest.mark.parametrize("label", sorted(CONFIGS))
def test_parliament_and_cfn_lint_find_nothing(label: str, teardown: bool) -> None:
    cfg, tree = load(label)
    for perms in account_permissions(cfg, tree, teardown=teardown):
        for role in perms.roles:
            for part in role.parts:
                sids = {s["Sid"] for s in part.document["Statement"]}
                assert findings(part.document) == (
                    TAG_ZONES if "TagZones" in sids else []), (label, perms.key, part.name)
            if role.trust_policy is not None:
                assert findings(role.trust_policy) == TRUST_ONLY
        matches = cfnlint.api.lint(json.dumps(template(perms)), regions=["us-east-1"])
        assert [str(m) for m in matches] == [], (label, perms.key)
