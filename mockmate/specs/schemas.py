"""JSON Schemas of pydantic models, gathered into one `components.schemas` table for a spec."""

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

Mode = Literal["validation", "serialization"]


class SchemaTable:
    """Collects models (as inputs or outputs) and answers `$ref`s into one shared table."""

    def __init__(self) -> None:
        self._wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = []

    def want(self, model: type[BaseModel], mode: Mode) -> None:
        if (model, mode) not in self._wanted:
            self._wanted.append((model, mode))

    def build(self) -> tuple[dict[tuple[Any, Mode], dict[str, Any]], dict[str, Any]]:
        """Each wanted `(model, mode)`'s `$ref`, and the schemas they point into (sorted by
        name)."""
        refs, table = models_json_schema(self._wanted, ref_template="#/components/schemas/{model}")
        schemas = table.get("$defs", {})
        return dict(refs), dict(sorted(schemas.items()))
