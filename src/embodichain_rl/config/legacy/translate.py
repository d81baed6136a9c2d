"""Legacy configs (every shape, JSON or YAML) -> Hydra group choices and field values, or one
error naming every problem."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

from embodichain_rl.config.aliases import moved_runtime_types
from embodichain_rl.config.legacy import mapping as table
from embodichain_rl.config.legacy.collect import Collector, Item, Translation, schema_fields
from embodichain_rl.config.legacy.env_section import documented_env, gym_file, learning_env
from embodichain_rl.config.legacy.head import DEFERRED, is_head_trainer, translate_head
from embodichain_rl.config.legacy.names import UnresolvedName, import_modules, resolve_class
from embodichain_rl.config.legacy.optim_block import BLOCKS, translate_blocks
from embodichain_rl.config.legacy.reader import LegacyConfigError, as_object, join, read_config
from embodichain_rl.config.runtime import RuntimeConfig
from embodichain_rl.config.schema import GROUP_SCHEMAS
from embodichain_rl.policies.actor_critic import NETWORK_TYPES
from embodichain_rl.policies.mlp import ACTIVATIONS

__all__ = ["Translation", "translate_json"]

log = logging.getLogger(__name__)

POLICY_TOP_FIELDS = {"initial_log_std": "init_log_std"}
"""Policy-section keys beside ``name``/``cfg``/networks (newest release) -> policy field."""


class _Translator(Collector):
    def translate(self) -> Translation:
        data = read_config(self.source, self.problems, where="", missing_hint="give a train config")
        top = as_object(data, self.source, "", self.problems) if data is not None else None
        if top is not None:
            self._top(top)
        if self.problems.lines:
            raise LegacyConfigError(self.source, self.problems.lines)
        if self.result.ignored:
            log.warning(
                "legacy config %s: ignored (no counterpart here: the original simulator's "
                "scene, hooks and renderer, or switched off by the file): %s",
                self.source,
                ", ".join(self.result.ignored),
            )
        return self.result

    def _top(self, top: dict[str, Any]) -> None:
        src = self.source
        for key in top:
            if key not in table.TOP_LEVEL:
                self.unknown(src, key, key, table.TOP_LEVEL)
        if "runtime" in top and "trainer" in top:
            self.problems.add(src, "trainer", "give either runtime or trainer, not both")
        deferred: dict[str, Item] = {}
        for name in ("runtime", "trainer"):
            if name in top:
                deferred.update(self._runtime(top[name], name))
        self._env(top, deferred)
        head = {key: item for key, item in deferred.items() if key in DEFERRED}
        if head:
            translate_head(self, head, self._algorithm_fields(top))
        for group in ("policy", "algorithm"):
            if group in top:
                self._named_section(group, top[group])

    def _env(self, top: dict[str, Any], deferred: dict[str, Item]) -> None:
        sources = [deferred[key] for key in table.TRAINER_ONLY if key in deferred]
        if "env" in top and sources:
            self.problems.add(self.source, "env", f"give either env or {sources[0][2]}, not both")
        elif "env" in top:
            documented_env(self, top["env"])
        elif len(sources) > 1:
            self.problems.add(
                self.source, sources[1][2], "give either gym_config or learning_env, not both"
            )
        elif sources and sources[0][0] == "gym_config":
            gym_file(self, sources[0])
        elif sources:
            learning_env(self, sources[0])

    def _runtime(self, value: Any, where: str) -> dict[str, Item]:
        """The run section's keys; returns the ones translated later (env sources, the
        newest release's keys), by key."""
        obj = as_object(value, self.source, where, self.problems)
        if obj is None:
            return {}
        hints = schema_fields(RuntimeConfig)
        moved = moved_runtime_types()
        trainer = where == "trainer"
        extra = (*table.TRAINER_ONLY, *table.HEAD_TRAINER_KEYS) if trainer else ()
        head = trainer and is_head_trainer(obj)
        deferred: dict[str, Item] = {}
        for key, item in obj.items():
            at = join(where, key)
            if key in table.IGNORED_RUNTIME:
                self.ignore(self.source, at)
            elif head and key == "num_envs":
                self.set(self.source, at, "env.num_envs", item, int)
            elif (trainer and key in table.TRAINER_ONLY) or (head and key in DEFERRED):
                deferred[key] = (key, item, at)
            elif key == "device" and item in table.DEVICE_MEANS_CUDA:
                self.set(self.source, at, "runtime.cuda", True, bool)
            elif key in hints:
                self.set(self.source, at, f"runtime.{key}", item, hints[key])
            elif key in moved:
                target, hint = moved[key]
                self.set(self.source, at, target, item, hint)
            else:
                valid = [*hints, *moved, *extra, *table.IGNORED_RUNTIME]
                self.unknown(self.source, at, key, valid)
        modules = self.result.values.get("runtime.imports", [])
        for index, why in import_modules(modules):
            self.problems.add(self.source, join(join(where, "imports"), index), why)
        return deferred

    def _algorithm_fields(self, top: dict[str, Any]) -> dict[str, Any]:
        """The fields of the algorithm option the file names (none when it names none)."""
        section = top.get("algorithm")
        name = section.get("name") if isinstance(section, dict) else None
        if not isinstance(name, str):
            return {}
        try:
            option = resolve_class("algorithm", name).option
        except UnresolvedName:
            return {}  # reported with the algorithm section
        return schema_fields(GROUP_SCHEMAS["algorithm"][option])

    def _named_section(self, group: str, value: Any) -> None:
        obj = as_object(value, self.source, group, self.problems)
        if obj is None:
            return
        networks = table.POLICY_NETWORKS if group == "policy" else ()
        top_fields = POLICY_TOP_FIELDS if group == "policy" else {}
        valid = ("name", "cfg", *networks, *top_fields)
        for key in obj:
            if key not in valid:
                self.unknown(self.source, join(group, key), key, valid)
        name = obj.get("name")
        if "name" not in obj:
            self.problems.add(self.source, join(group, "name"), "missing; name a registered class")
            return
        if not self.checked(self.source, join(group, "name"), name, str):
            return
        try:
            choice = resolve_class(group, name)
        except UnresolvedName as error:
            self.problems.add(self.source, join(group, "name"), str(error))
            return
        self.result.choices[group] = choice.option
        for key, item in choice.values.items():
            self.result.values[f"{group}.{key}"] = item
        schema = GROUP_SCHEMAS[group][choice.option]
        hints = schema_fields(schema)
        for key, field_name in top_fields.items():
            if key in obj and field_name in hints:
                at = join(group, key)
                self.set(self.source, at, f"{group}.{field_name}", obj[key], hints[field_name])
            elif key in obj:
                self.unknown(self.source, join(group, key), key, ("name", "cfg", *networks))
        self._cfg(group, obj, schema, networks)
        for role in networks:
            if role in obj and dataclasses.is_dataclass(hints.get(role)):
                self._network(obj[role], join(group, role), f"{group}.{role}", hints[role])

    def _cfg(self, group: str, obj: dict[str, Any], schema: type, networks: tuple) -> None:
        hints = schema_fields(schema)
        where = join(group, "cfg")
        cfg = as_object(obj.get("cfg", {}), self.source, where, self.problems) or {}
        blocks = BLOCKS if group == "algorithm" else ()
        for key, item in cfg.items():
            at = join(where, key)
            if key in blocks:
                continue
            if key in hints and key not in networks:
                self.set(self.source, at, f"{group}.{key}", item, hints[key])
            else:
                self.unknown(self.source, at, key, [k for k in hints if k not in networks])
        if blocks:
            translate_blocks(self, cfg, schema)
        if "batch_size" in cfg and "num_minibatches" in hints:
            # A legacy batch_size is the minibatch size: it replaces num_minibatches.
            self.result.values.setdefault(f"{group}.num_minibatches", None)

    def _network(self, value: Any, where: str, prefix: str, schema: type) -> None:
        obj = as_object(value, self.source, where, self.problems)
        if obj is None:
            return
        hints = schema_fields(schema)
        items = [(k, v, join(where, k)) for k, v in obj.items() if k != "network_cfg"]
        if "network_cfg" in obj:
            at = join(where, "network_cfg")
            nested = as_object(obj["network_cfg"], self.source, at, self.problems) or {}
            items += [(k, v, join(at, k)) for k, v in nested.items()]
        for key, item, at in items:
            if key not in hints:
                self.unknown(self.source, at, key, [*hints, "network_cfg"])
            elif key in ("activation", "last_activation") and _unknown_activation(item):
                self.problems.add(
                    self.source, at, f"unknown activation {item!r}; valid: {', '.join(ACTIVATIONS)}"
                )
            elif key == "type" and isinstance(item, str) and item not in NETWORK_TYPES:
                self.problems.add(
                    self.source,
                    at,
                    f"unknown network type {item!r}; valid: {', '.join(NETWORK_TYPES)}",
                )
            else:
                self.set(self.source, at, f"{prefix}.{key}", item, hints[key])


def _unknown_activation(name: Any) -> bool:
    return isinstance(name, str) and name.lower() not in ACTIVATIONS


def translate_json(path: str | Path) -> Translation:
    """Read a legacy train config (JSON or YAML) and its gym file into group choices and field
    values; raise one ``LegacyConfigError`` naming every problem; log one warning listing
    what was ignored."""
    return _Translator(Path(path)).translate()
