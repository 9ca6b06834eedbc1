"""The nested SSM handoff's configs: example.com (network) -> dev.example.com (dev) ->
app.dev.example.com (team A, reads in the registry) and api.dev.example.com (team B,
reads in the parent zone's own account)."""

from __future__ import annotations

from child_support import DEV, NETWORK, PRINCIPAL, PROD, TEAM

TEAM_A, TEAM_B = TEAM, PROD
PARAM = "/zonecut/zones/dev.example.com"
READER = f"arn:aws:iam::{NETWORK}:role/ZonecutReadZones"

CENTRAL = f"""\
version: 1
defaults:
  rate_limit: 200
  access: {{role_name: ZonecutDelegation, principal_arn: "{PRINCIPAL}"}}
  ssm: {{publish: true, account: network}}
accounts:
  network: {{id: "{NETWORK}"}}
  dev: {{id: "{DEV}"}}
zones:
  - {{name: example.com, account: network, root: true}}
  - {{name: dev.example.com, account: dev}}
"""

TEAM_A_CONFIG = f"""\
version: 1
defaults:
  rate_limit: 200
  access: {{role_name: ZonecutDelegation, principal_arn: "{PRINCIPAL}"}}
  ssm: {{publish: true, account: network}}
accounts:
  network: {{id: "{NETWORK}"}}
  dev: {{id: "{DEV}"}}
  team-a: {{id: "{TEAM_A}"}}
zones:
  - name: app.dev.example.com
    account: team-a
    parent_from_ssm:
      account: network
      parameter: {PARAM}
      role_arn: "{READER}"
      parent_account: dev
"""

TEAM_B_CONFIG = f"""\
version: 1
defaults:
  rate_limit: 200
  access: {{role_name: ZonecutDelegation, principal_arn: "{PRINCIPAL}"}}
  ssm: {{publish: true}}
accounts:
  dev: {{id: "{DEV}"}}
  team-b: {{id: "{TEAM_B}"}}
zones:
  - name: api.dev.example.com
    account: team-b
    parent_from_ssm: {{account: dev, parameter: {PARAM}}}
"""

