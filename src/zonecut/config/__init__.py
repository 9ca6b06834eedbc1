"""The zonecut.yaml config: models, loader with line numbers, desired tree, JSON Schema."""

from zonecut.config.accounts import AccessDefaults, Account
from zonecut.config.defaults import Defaults, NsTtlPolicy
from zonecut.config.document import Config
from zonecut.config.errors import ConfigError, ConfigProblem
from zonecut.config.loader import load_config, load_config_text
from zonecut.config.schema import json_schema
from zonecut.config.tree import DesiredTree, DesiredZone, build_tree
from zonecut.config.zones import ZoneSpec

__all__ = [
    "AccessDefaults",
    "Account",
    "Config",
    "ConfigError",
    "ConfigProblem",
    "Defaults",
    "DesiredTree",
    "DesiredZone",
    "NsTtlPolicy",
    "ZoneSpec",
    "build_tree",
    "json_schema",
    "load_config",
    "load_config_text",
]
