"""The JSON Schema of zonecut.yaml, for editors and CI (from the pydantic models)."""

from __future__ import annotations

from typing import Any

from zonecut.config.document import Config

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """A draft 2020-12 JSON Schema of the config file, with a description on every field.

    Account ids are described as strings: quote them in YAML (the loader also takes
    an unquoted 12-digit number, which the schema flags so the habit of quoting sticks).
    """
    schema = Config.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema, "title": "zonecut configuration"}
