"""Checks real REST answers against the OpenAPI document the server serves: each JSON body
of a success is validated (JSON Schema 2020-12, `jsonschema`) against the schema the
document declares for its route, and the routes seen are counted, so a test can show every
typed route was exercised."""

import re
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.support.marketplace import Api

DOCUMENT = "urn:mockmate:openapi"


def _pointer(*parts: str) -> str:
    return "/" + "/".join(quote(p.replace("~", "~0").replace("/", "~1"), safe="")
                          for p in parts)


class Documented:
    """The served document; `check(method, path, status, body)` validates one answer."""

    def __init__(self, document: dict[str, Any]):
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT, resource)
        self.routes = [(re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+",
                                                re.escape(path)) + "$"), path)
                       for path in document["paths"]]
        self.covered: set[tuple[str, str]] = set()

    def typed(self) -> set[tuple[str, str]]:
        """(METHOD, path) of the routes whose success has a schema other than "an object"."""
        return {(method.upper(), path)
                for path, operations in self.document["paths"].items()
                for method, operation in operations.items()
                if operation["responses"]["2XX"]["description"] == "success"}

    def route(self, method: str, path: str) -> str:
        path = path.split("?", 1)[0]
        matches = [template for pattern, template in self.routes
                   if pattern.match(path) and method.lower() in self.document["paths"][template]]
        assert matches, f"{method} {path} is not in the document"
        # The literal route wins over a parameter one (`/api/experts/me` over `{expert_id}`).
        return min(matches, key=lambda t: t.count("{"))

    def check(self, method: str, path: str, status: int, body: Any) -> None:
        template = self.route(method, path)
        operation = self.document["paths"][template][method.lower()]
        success = operation["responses"]["2XX"]
        if not 200 <= status < 300 or success["description"] != "success":
            return
        pointer = _pointer("paths", template, method.lower(), "responses", "2XX", "content",
                           "application/json", "schema")
        validator = Draft202012Validator({"$ref": DOCUMENT + "#" + pointer},
                                         registry=self.registry)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, f"{method} {template}: " + "; ".join(
            f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
        self.covered.add((method.upper(), template))


class CheckedApi(Api):
    """An `Api` whose every answer is checked against the document."""

    def __init__(self, api: Api, documented: Documented):
        super().__init__(api.url, api.token, api.http, api.user_id)
        self.documented = documented

    async def request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                      **kwargs: Any) -> tuple[int, Any]:
        status, body = await super().request(method, path, headers=headers, **kwargs)
        if not isinstance(body, bytes):
            self.documented.check(method, path, status, body)
        return status, body
