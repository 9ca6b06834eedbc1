"""Self-service delegation on AWS Lambda, without a central zonecut run.

- ``zonecut.aws_lambda.custom_resource.handler``: a CloudFormation custom resource that
  a child account's stack uses to have its zone delegated in the parent.
- ``zonecut.aws_lambda.events.handler``: Route 53 CreateHostedZone / DeleteHostedZone
  events from child accounts (CloudTrail through EventBridge).

Both check the allow-list (``ZONECUT_ALLOW``) before touching the parent and reach
Route 53 through ``zonecut.aws``; settings come from environment variables (see
``zonecut.aws_lambda.settings`` and docs/child-accounts.md).
"""
