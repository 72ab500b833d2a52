"""The inbound API's contract as OpenAPI 3.1, built from the same models that validate it."""

from functools import cache

from pydantic.json_schema import models_json_schema

from isacc.inbound import signing
from isacc.inbound.schemas import EVENTS

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "problems": {"type": "array", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


def _a(noun: str) -> str:
    """The noun with its article: "an outlet", "a sales order"."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


@cache
def document() -> dict:
    models = [(model, "validation") for _, model in EVENTS.values()]
    refs, schemas = models_json_schema(models, ref_template="#/components/schemas/{model}")
    paths = {}
    for path, (event_type, model) in EVENTS.items():
        paths[f"/api/v1/{path}"] = {"post": {
            "operationId": f"receive_{event_type}",
            "summary": f"Receive {_a(event_type.replace('_', ' '))} event",
            "security": [{"storeSignature": []}],
            "parameters": [
                {"name": signing.STORE_HEADER, "in": "header", "required": True,
                 "schema": {"type": "string"}, "description": "the store's iSeller id"},
                {"name": signing.TIMESTAMP_HEADER, "in": "header", "required": True,
                 "schema": {"type": "string"}, "description": "Unix seconds"},
                {"name": signing.SIGNATURE_HEADER, "in": "header", "required": True,
                 "schema": {"type": "string"},
                 "description": 'sha256=hex(HMAC-SHA256(key, timestamp + "." + body))'},
            ],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": refs[(model, "validation")]}}},
            "responses": {
                "202": {"description": "stored; its documents are queued"},
                "200": {"description": "this event was already received; nothing changed"},
                **{code: {"description": text, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                   for code, text in (
                       ("400", "not JSON, nested too deeply, or text with NUL (\\u0000)"),
                       ("401", "unknown store, bad or stale signature, replay"),
                       ("409", "this event_id was received before with another body"),
                       ("413", "the body is larger than isacc reads (8 MiB)"),
                       ("422", "invalid fields or unknown records"))},
            },
        }}
    components = dict(schemas.get("$defs", {}), Error=ERROR)
    return {
        "openapi": "3.1.0",
        "info": {"title": "isacc inbound API", "version": "1",
                 "description": "iSeller events into isacc. Each request is signed with the "
                                "store's key; a repeated event_id is accepted once."},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"storeSignature": {
                "type": "apiKey", "in": "header", "name": signing.SIGNATURE_HEADER}},
        },
    }
