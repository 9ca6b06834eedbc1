"""Alias targets: the hosted zone ids of AWS resources an alias record can name,
and the checks of a target's DNS name."""

from __future__ import annotations

import re
from collections.abc import Mapping

from zonecut.names import normalize

# The hosted zone id an alias record names is the target's, not yours.
# Sources: AWS General Reference, "Amazon API Gateway endpoints and quotas" (Route 53
# Hosted Zone ID column, Regional endpoints; edge-optimized is Z2FDTNDATAQYW2 everywhere)
# and "Elastic Load Balancing endpoints and quotas" (separate columns for Application and
# Classic Load Balancers, and for Network Load Balancers); Route 53 API reference,
# AliasTarget.HostedZoneId (CloudFront: always Z2FDTNDATAQYW2). Values cross-checked
# against kubernetes-sigs/external-dns (provider/aws) and codenize-tools/roadworker.
# A region missing here needs `alias.hosted_zone_id` (the value AWS reports for the
# resource: API Gateway's regionalHostedZoneId, the load balancer's CanonicalHostedZoneId).

CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"

APIGATEWAY_REGIONAL_ZONE_IDS: Mapping[str, str] = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "af-south-1": "Z2DHW2332DAMTN",
    "ap-east-1": "Z3FD1VL90ND7K5",
    "ap-south-1": "Z3VO1THU9YC4UR",
    "ap-northeast-1": "Z1YSHQZHG15GKL",
    "ap-northeast-2": "Z20JF4UZKIW1U8",
    "ap-southeast-1": "ZL327KTPIQFUL",
    "ap-southeast-2": "Z2RPCDW04V8134",
    "ca-central-1": "Z19DQILCV0OWEC",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-west-2": "ZJ5UAJN8Y3Z2Q",
    "eu-west-3": "Z3KY65QIEKYHQQ",
    "eu-north-1": "Z3UWIKFBOOGXPP",
    "eu-south-1": "Z3BT4WSQ9TDYZV",
    "me-south-1": "Z20ZBPC0SS8806",
    "sa-east-1": "ZCMLWB8V5SYIT",
    "us-gov-west-1": "Z1K6XKP9SAGWDV",
    "us-gov-east-1": "Z3SE9ATJYCRCZJ",
}

ELB_ZONE_IDS: Mapping[str, str] = {  # Application and Classic Load Balancers
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "af-south-1": "Z268VQBMOI5EKX",
    "ap-east-1": "Z3DQVH9N71FHZ0",
    "ap-south-1": "ZP97RAFLXTNZK",
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "ap-northeast-2": "ZWKZPGTI48KDX",
    "ap-northeast-3": "Z5LXEXXYW11ES",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "ap-southeast-2": "Z1GM3OXH4ZPM65",
    "ca-central-1": "ZQSVJUPU6J1EY",
    "eu-central-1": "Z215JYRZR1TBD5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-west-2": "ZHURV8PSTC4K8",
    "eu-west-3": "Z3Q77PNBQS71R4",
    "eu-north-1": "Z23TAZ6LKFMNIO",
    "eu-south-1": "Z3ULH7SSC9OV64",
    "me-south-1": "ZS929ML54UICD",
    "sa-east-1": "Z2P70J7HTTTPLU",
    "cn-north-1": "Z1GDH35T77C1KE",
    "cn-northwest-1": "ZM7IZAIOVVDZF",
    "us-gov-west-1": "Z33AYJ8TM3BH4J",
    "us-gov-east-1": "Z166TLBEWOO7G0",
}

NLB_ZONE_IDS: Mapping[str, str] = {  # Network Load Balancers
    "us-east-1": "Z26RNL4JYFTOTI",
    "us-east-2": "ZLMOA37VPKANP",
    "us-west-1": "Z24FKFUX50B4VW",
    "us-west-2": "Z18D5FSROUN65G",
    "af-south-1": "Z203XCE67M25HM",
    "ap-east-1": "Z12Y7K3UBGUAD1",
    "ap-south-1": "ZVDDRBQ08TROA",
    "ap-northeast-1": "Z31USIVHYNEOWT",
    "ap-northeast-2": "ZIBE1TIR4HY56",
    "ap-southeast-1": "ZKVM4W9LS7TM",
    "ap-southeast-2": "ZCT6FZBF4DROD",
    "ca-central-1": "Z2EPGBW3API2WT",
    "eu-central-1": "Z3F0SRJ5LGBH90",
    "eu-west-1": "Z2IFOLAFXWLO4F",
    "eu-west-2": "ZD4D7Y8KGAS4G",
    "eu-west-3": "Z1CMS0P5QUZ6D5",
    "eu-north-1": "Z1UDT6IFJ4EJM",
    "eu-south-1": "Z23146JA1KNAFP",
    "me-south-1": "Z3QSRYVP46NYYV",
    "sa-east-1": "ZTK26PT1VY4CU",
    "cn-north-1": "Z3QFB96KMJ7ED6",
    "cn-northwest-1": "ZQEIKTCZ8352D",
    "us-gov-west-1": "ZMG1MZ2THAWF1",
    "us-gov-east-1": "Z1ZSMQQ6Q24QQ8",
}

ALIAS_KINDS: Mapping[str, str] = {
    "cloudfront": "a CloudFront distribution (d111111abcdef8.cloudfront.net)",
    "apigateway": "a Regional API Gateway custom domain "
                  "(d-abc123.execute-api.REGION.amazonaws.com)",
    "apigateway-edge": "an edge-optimized API Gateway custom domain (d123.cloudfront.net)",
    "alb": "an Application Load Balancer (name-123.REGION.elb.amazonaws.com)",
    "elb": "a Classic Load Balancer (name-123.REGION.elb.amazonaws.com)",
    "nlb": "a Network Load Balancer (name-123.elb.REGION.amazonaws.com)",
}

_REGION_IN_TARGET = {
    "apigateway": re.compile(r"\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$"),
    "alb": re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-[0-9])\.elb\.amazonaws\.com(?:\.cn)?$"),
    "elb": re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-[0-9])\.elb\.amazonaws\.com(?:\.cn)?$"),
    "nlb": re.compile(r"\.elb\.([a-z]{2}(?:-[a-z]+)+-[0-9])\.amazonaws\.com(?:\.cn)?$"),
}
_TARGET_SUFFIX = {
    "cloudfront": ".cloudfront.net",
    "apigateway-edge": ".cloudfront.net",
}


def alias_target_region(kind: str, target: str) -> str | None:
    """The region named inside an alias target's DNS name, when it has one."""
    pattern = _REGION_IN_TARGET.get(kind)
    found = pattern.search(normalize(target)) if pattern else None
    return found.group(1) if found else None


def alias_target_problem(kind: str, target: str) -> str | None:
    """Why ``target`` cannot be an alias target of ``kind``; None when it can."""
    canon = normalize(target)
    suffix = _TARGET_SUFFIX.get(kind)
    if suffix is not None and not canon.endswith(suffix):
        return f"a {kind} alias target ends with {suffix[1:]}, not {canon}"
    if kind in _REGION_IN_TARGET and alias_target_region(kind, canon) is None:
        return f"{canon} does not look like {ALIAS_KINDS[kind]}"
    return None


def alias_hosted_zone_id(kind: str, region: str | None) -> str | None:
    """The hosted zone id of an alias target of ``kind`` in ``region``; None when unknown."""
    if kind in ("cloudfront", "apigateway-edge"):
        return CLOUDFRONT_ZONE_ID
    table = {"apigateway": APIGATEWAY_REGIONAL_ZONE_IDS, "alb": ELB_ZONE_IDS,
             "elb": ELB_ZONE_IDS, "nlb": NLB_ZONE_IDS}.get(kind, {})
    return table.get(region) if region else None
