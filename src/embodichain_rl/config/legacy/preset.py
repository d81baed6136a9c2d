"""A ``Translation`` as a ``_global_`` experiment preset (``conf/experiment/NAME.yaml``)."""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from embodichain_rl.config.legacy.translate import Translation


class _Dumper(yaml.SafeDumper):
    """Block mappings; lists of scalars on one line (``hidden_sizes: [256, 256]``)."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def _nest(values: dict[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for dotted, value in values.items():
        node = tree
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def experiment_yaml(translation: Translation) -> str:
    """The preset text: ``# @package _global_``, ``override /group: option`` defaults, and
    the translated values; ``+experiment=NAME`` then composes the same config."""
    lines = [
        "# @package _global_",
        f"# Converted from {translation.source.name} by embodichain-convert.",
    ]
    if translation.ignored:
        ignored = "Ignored (no counterpart here): " + ", ".join(translation.ignored)
        lines += [f"# {line}" for line in textwrap.wrap(ignored, width=96)]
    body: dict[str, Any] = {}
    if translation.choices:
        body["defaults"] = [
            {f"override /{group}": option} for group, option in translation.choices.items()
        ]
    body.update(_nest(translation.values))
    dumped = yaml.dump(body, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=100)
    return "\n".join(lines) + "\n" + dumped
