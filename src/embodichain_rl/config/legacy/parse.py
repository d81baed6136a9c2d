"""Parsing legacy config text (JSON, or YAML as EmbodiChain's newest release also reads) into
JSON values whose objects remember their duplicate keys; YAML without aliases or YAML-only
types (dates, sets, binary), so both formats mean the same values."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError


class JsonObject(dict):  # type: ignore[type-arg]
    """A parsed object that remembers the keys it saw more than once."""

    duplicates: list[str]


def _object_pairs(pairs: list[tuple[str, Any]]) -> JsonObject:
    obj = JsonObject()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj and key not in obj.duplicates:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def parse_json(text: str) -> Any:
    """JSON text as values (objects as ``JsonObject``); ``json.JSONDecodeError`` when invalid,
    ``RecursionError`` for absurd nesting."""
    return json.loads(text, object_pairs_hook=_object_pairs)


YAML_SUFFIXES = (".yaml", ".yml")
"""File suffixes read as YAML (anything else is read as JSON), as EmbodiChain's loader does."""

_FLOAT_WITHOUT_DOT = re.compile(r"^[-+]?[0-9]+[eE][-+]?[0-9]+$")
"""``3e-4``: a float in JSON and YAML 1.2, a string in PyYAML's YAML 1.1 without this."""

_NOT_JSON_TAGS = ("timestamp", "binary", "set", "omap", "pairs")
"""YAML types with no JSON counterpart; refused where they are written with a tag."""


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` that builds ``JsonObject`` mappings and refuses aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ComposerError(
                None,
                None,
                "YAML aliases (*name) are not supported in a legacy config; write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def _construct_object(loader: _Loader, node: yaml.MappingNode) -> Iterator[JsonObject]:
    obj = JsonObject()
    obj.duplicates = []
    yield obj
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, str):
            raise ConstructorError(
                None,
                None,
                f"mapping key {key!r} is not a string; quote it",
                key_node.start_mark,
            )
        if key in obj and key not in obj.duplicates:
            obj.duplicates.append(key)
        obj[key] = loader.construct_object(value_node)


def _refuse(loader: _Loader, node: yaml.Node) -> None:
    raise ConstructorError(
        None, None, f"the YAML type {node.tag} has no JSON counterpart", node.start_mark
    )


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_object)
for _tag in _NOT_JSON_TAGS:
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_WITHOUT_DOT, list("-+0123456789"))


def parse_yaml(text: str) -> Any:
    """One YAML document as JSON values (objects as ``JsonObject``); ``yaml.YAMLError``
    (with a line and column) for invalid YAML, aliases, non-string keys or YAML-only types;
    ``RecursionError`` for absurd nesting."""
    return yaml.load(text, Loader=_Loader)  # _Loader derives from SafeLoader


def yaml_error_text(error: yaml.YAMLError) -> str:
    """``invalid YAML at line L column C: problem`` (1-based) for a parse error."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return f"invalid YAML: {problem}"
    return f"invalid YAML at line {mark.line + 1} column {mark.column + 1}: {problem}"
