"""`manage.py entity_schema`: write the browser's copy of the op entity schema.

The entity registry (`journeymap/maps/services/entities.py`) is the one description of what a
map holds. The sync layer of the frontend needs the same facts — entity names, fields and
their types, references, container fields, collections, what a delete takes along — so they
are generated into `frontend/src/sync/schema.gen.ts` instead of being written twice, together
with the live protocol version the client announces in `hello`.

`--check` writes nothing and fails when the file on disk differs from what the registry says
(`make lint` runs it). The output depends on the registry alone: same registry, same bytes.
"""

from __future__ import annotations

import difflib
import inspect
import re
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from journeymap.maps.services import fields as field_parsers
from journeymap.maps.services.entities import ENTITIES, EntitySpec, FieldSpec
from journeymap.realtime.protocol import PROTOCOL_VERSION

SCHEMA_FILE = Path("frontend") / "src" / "sync" / "schema.gen.ts"
COMMAND = "manage.py entity_schema"

# The live layer owns the protocol version. It sits above `maps` in the layers
# (docs/architecture.md), so it is looked up when the command runs, not imported by module.

# Each field parser of `services/fields.py` → (TypeScript type, may the value be null).
PARSER_TYPES: dict[str, tuple[str, bool]] = {
    "text": ("string", False),
    "color": ("string", False),
    "url": ("string", False),
    "order_key": ("string", False),
    "choice": ("string", False),
    "uuid_value": ("string", False),
    "optional_uuid": ("string", True),
    "uuid_list": ("string[]", False),
    "integer": ("number", False),
    "boolean": ("boolean", False),
}

WIDTH = 100
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def schema_path() -> Path:
    return Path(settings.BASE_DIR) / SCHEMA_FILE


# --- the schema as plain data -------------------------------------------------------------


def _parser_kind(parse: Callable[..., Any]) -> str:
    if getattr(parse, "__module__", None) != field_parsers.__name__:
        raise CommandError(f"{parse!r} is not a parser of {field_parsers.__name__}")
    # `text(...)` returns a closure named `text.<locals>.parse`; plain parsers are themselves.
    return str(parse.__qualname__).split(".")[0]


def _choices(parse: Callable[..., Any]) -> list[str] | None:
    if _parser_kind(parse) != "choice":
        return None
    allowed = inspect.getclosurevars(parse).nonlocals["allowed"]
    return [str(value) for value in allowed]


def _entity_of_model() -> dict[type, str]:
    return {spec.model: spec.name for spec in ENTITIES.values()}


def _field(entity: EntitySpec, name: str, spec: FieldSpec) -> dict[str, Any]:
    kind = _parser_kind(spec.parse)
    if kind not in PARSER_TYPES:
        raise CommandError(
            f"{entity.name}.{name}: no TypeScript type for the parser `{kind}`; "
            "add it to PARSER_TYPES in the entity_schema command"
        )
    ts_type, nullable = PARSER_TYPES[kind]
    ref: dict[str, Any] | None = None
    if spec.ref is not None:
        if spec.ref.scope == "map":
            target = _entity_of_model().get(spec.ref.model)
            if target is None:
                raise CommandError(f"{entity.name}.{name}: refers to a model with no entity")
        elif spec.ref.scope == "workspace":
            target = spec.ref.model._meta.model_name
        else:
            raise CommandError(f"{entity.name}.{name}: unknown ref scope {spec.ref.scope!r}")
        ref = {"entity": target, "scope": spec.ref.scope}
        if spec.ref.lane_kinds is not None:
            ref["laneKinds"] = sorted(str(kind) for kind in spec.ref.lane_kinds)
    return {
        "type": ts_type,
        "nullable": nullable,
        "required": spec.required,
        "updatable": spec.updatable,
        "container": spec.container,
        "many": spec.many,
        "ref": ref,
        "choices": _choices(spec.parse),
    }


def _targets(spec: EntitySpec) -> list[str] | None:
    """What a comment or a vote may point at: `target_entity` + `target_id`."""
    if "target_entity" not in spec.fields or "target_id" not in spec.fields:
        return None
    choices = _choices(spec.fields["target_entity"].parse)
    if choices is None:
        raise CommandError(f"{spec.name}.target_entity is not a choice of entities")
    unknown = sorted(set(choices) - set(ENTITIES))
    if unknown:
        raise CommandError(f"{spec.name}.target_entity allows unknown entities: {unknown}")
    return choices


def _entity(spec: EntitySpec) -> dict[str, Any]:
    return {
        "collection": spec.collection or None,
        "ordered": spec.ordered,
        "creatable": spec.creatable,
        "updatable": spec.updatable,
        "deletable": spec.deletable,
        "fields": {name: _field(spec, name, field) for name, field in spec.fields.items()},
        "serverFields": list(spec.server_fields),
        "targets": _targets(spec),
    }


def _cascade(entities: dict[str, dict[str, Any]], items: list[str]) -> dict[str, Any]:
    """What deleting a row of each entity takes along (the rows' database foreign keys say the
    same: CASCADE for a required reference, SET_NULL for a nullable one), applied again to
    every row it removes, and the comments and votes on every removed row."""
    rules: dict[str, Any] = {}
    for parent in items:
        removes: list[dict[str, Any]] = []
        clears: list[dict[str, Any]] = []
        for child in items:
            schema = entities[child]
            for name, field in schema["fields"].items():
                ref = field["ref"]
                if ref is None or ref["scope"] != "map" or ref["entity"] != parent:
                    continue
                if field["many"]:
                    raise CommandError(f"{child}.{name}: a list of map items has no cascade rule")
                rule = {"entity": child, "field": name, "via": "ref"}
                (clears if field["nullable"] else removes).append(rule)
            if parent in (schema["targets"] or []):
                removes.append({"entity": child, "field": "target_id", "via": "target"})
        rules[parent] = {"removes": removes, "clears": clears}
    return rules


def _create_order(entities: dict[str, dict[str, Any]]) -> list[str]:
    """Entities in an order where everything a row refers to is created before it."""
    needs: dict[str, set[str]] = {}
    for name, schema in entities.items():
        deps = {
            field["ref"]["entity"]
            for field in schema["fields"].values()
            if field["ref"] is not None and field["ref"]["scope"] == "map"
        }
        deps.update(schema["targets"] or [])
        deps.discard(name)
        needs[name] = deps
    order: list[str] = []
    while len(order) < len(needs):
        ready = [n for n in needs if n not in order and needs[n] <= set(order)]
        if not ready:
            raise CommandError(f"entities refer to each other in a cycle: {sorted(needs)}")
        order.append(ready[0])
    return order


def build_schema() -> dict[str, Any]:
    entities = {name: _entity(spec) for name, spec in ENTITIES.items()}
    items = [name for name, schema in entities.items() if schema["collection"] is not None]

    def per_item(pick: Callable[[str, dict[str, Any]], Any]) -> dict[str, Any]:
        return {name: pick(name, entities[name]) for name in items}

    def refs(scope: str) -> Callable[[str, dict[str, Any]], dict[str, str]]:
        def pick(_name: str, schema: dict[str, Any]) -> dict[str, str]:
            return {
                field_name: field["ref"]["entity"]
                for field_name, field in schema["fields"].items()
                if field["ref"] is not None and field["ref"]["scope"] == scope
            }

        return pick

    version = PROTOCOL_VERSION
    return {
        "protocolVersion": version,
        "entityNames": list(entities),
        "itemEntities": items,
        "orderedEntities": [name for name in items if entities[name]["ordered"]],
        "collections": per_item(lambda _n, s: s["collection"]),
        "containerFields": per_item(
            lambda _n, s: [f for f, spec in s["fields"].items() if spec["container"]]
        ),
        "immutableFields": per_item(
            lambda _n, s: [f for f, spec in s["fields"].items() if not spec["updatable"]]
        ),
        "serverFields": per_item(lambda _n, s: s["serverFields"]),
        "mapRefs": {name: refs("map")(name, schema) for name, schema in entities.items()},
        "workspaceRefs": {
            name: refs("workspace")(name, schema) for name, schema in entities.items()
        },
        "cascade": _cascade(entities, items),
        "createOrder": _create_order(entities),
        "entities": entities,
    }


# --- TypeScript ---------------------------------------------------------------------------


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else _string(name)


def _string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{escaped}'"


def _inline(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ", ".join(f"{_key(k)}: {_inline(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    raise CommandError(f"cannot write {value!r} as TypeScript")


def _ts(value: Any, indent: int, prefix: str, suffix: str) -> list[str]:
    """`value` as lines of TypeScript, the first one starting with `prefix` (a key, say)."""
    pad = "  " * indent
    flat = f"{pad}{prefix}{_inline(value)}{suffix}"
    if len(flat) <= WIDTH or not isinstance(value, list | dict) or not value:
        return [flat]
    lines = [f"{pad}{prefix}{'[' if isinstance(value, list) else '{'}"]
    entries: Iterable[tuple[str, Any]] = (
        (("", item) for item in value)
        if isinstance(value, list)
        else ((f"{_key(k)}: ", v) for k, v in value.items())
    )
    for key, item in entries:
        lines.extend(_ts(item, indent + 1, key, ","))
    lines.append(f"{pad}{']' if isinstance(value, list) else '}'}{suffix}")
    return lines


def _doc(text: str) -> list[str]:
    if len(text) + 7 <= WIDTH:
        return [f"/** {text} */"]
    return ["/**", *(f" * {line}" for line in textwrap.wrap(text, WIDTH - 3)), " */"]


def _const(name: str, doc: str, value: Any) -> list[str]:
    return ["", *_doc(doc), *_ts(value, 0, f"export const {name} = ", " as const;")]


def render_schema() -> str:
    schema = build_schema()
    lines = [
        f"// Generated by `{COMMAND}` from the entity registry",
        "// (journeymap/maps/services/entities.py) and journeymap.realtime.protocol.",
        f"// Do not edit: change the registry, then run `DEBUG=1 .venv/bin/python {COMMAND}`.",
        f"// `{COMMAND} --check` (part of `make lint`) fails while this file is stale.",
        "",
        "/** The live protocol version this client speaks; sent in `hello`. */",
        f"export const PROTOCOL_VERSION = {schema['protocolVersion']};",
    ]
    lines += _const("ENTITY_NAMES", "Every op entity.", schema["entityNames"])
    lines += _const(
        "ITEM_ENTITIES",
        "The entities that are rows of a map (all but the map itself).",
        schema["itemEntities"],
    )
    lines += _const(
        "ORDERED_ENTITIES",
        "Entities whose rows carry an `order_key` and are moved with `move` ops.",
        schema["orderedEntities"],
    )
    lines += _const(
        "COLLECTIONS", "The key of each entity's list in the map document.", schema["collections"]
    )
    lines += _const(
        "CONTAINER_FIELDS",
        "Fields that say where an item sits; they change with `move`, never `update`.",
        schema["containerFields"],
    )
    lines += _const(
        "IMMUTABLE_FIELDS",
        "Fields fixed at creation (an update of them is refused).",
        schema["immutableFields"],
    )
    lines += _const(
        "SERVER_FIELDS",
        "Fields set by the server that a client must never send.",
        schema["serverFields"],
    )
    lines += _const(
        "MAP_REFS",
        "Fields holding the id of another row of the same map: field → entity.",
        schema["mapRefs"],
    )
    lines += _const(
        "WORKSPACE_REFS",
        "Fields holding ids of the map's workspace directory: field → kind of row.",
        schema["workspaceRefs"],
    )
    lines += _const(
        "CASCADE",
        "What deleting a row takes along, applied again to each row it removes: `removes` "
        "deletes the rows whose `field` holds the id (`via: 'target'`: comments and votes "
        "whose target is the row), `clears` sets `field` to null.",
        schema["cascade"],
    )
    lines += _const(
        "CREATE_ORDER",
        "Entities in an order where every row is created after what it refers to.",
        schema["createOrder"],
    )
    lines += _const(
        "ENTITY_SCHEMA",
        "Each entity and its fields, as the server checks them.",
        schema["entities"],
    )
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        f"Write {SCHEMA_FILE} (the frontend's entity types, lists, cascade rules and protocol "
        "version) from the entity registry. With --check, write nothing and fail when the "
        "file is out of date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="fail (exit status 1) when the file on disk differs from the registry",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = render_schema()
        path = schema_path()
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if options["check"]:
            if current == text:
                self.stdout.write(f"{SCHEMA_FILE} is up to date.")
                return
            if current is None:
                raise CommandError(f"{SCHEMA_FILE} is missing: run `{COMMAND}` to write it.")
            diff = difflib.unified_diff(
                current.splitlines(),
                text.splitlines(),
                f"{SCHEMA_FILE} (on disk)",
                f"{SCHEMA_FILE} (from the registry)",
                lineterm="",
                n=1,
            )
            shown = list(diff)[:40]
            raise CommandError(
                f"{SCHEMA_FILE} is out of date with the entity registry: run `{COMMAND}` "
                "and commit the result.\n" + "\n".join(shown)
            )
        if current == text:
            self.stdout.write(f"{SCHEMA_FILE} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {SCHEMA_FILE}.")
