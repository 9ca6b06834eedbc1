"""Least-privilege IAM for zonecut: roles, trust and permission policies per account."""

from zonecut.iam.cloudformation import template
from zonecut.iam.roles import AccountPermissions, IamError, RoleDoc, account_permissions

__all__ = ["AccountPermissions", "IamError", "RoleDoc", "account_permissions", "template"]
