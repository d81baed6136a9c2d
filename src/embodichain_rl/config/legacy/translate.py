"""Legacy JSON (both shapes) -> Hydra group choices and field values, or one error."""

from __future__ import annotations

import dataclasses
import difflib
import logging
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embodichain_rl.config.aliases import moved_runtime_types
from embodichain_rl.config.legacy import mapping as table
from embodichain_rl.config.legacy.names import (
    Choice,
    UnresolvedName,
    import_modules,
    resolve_class,
    resolve_env,
)
from embodichain_rl.config.legacy.reader import (
    LegacyConfigError,
    Problems,
    as_object,
    join,
    plain,
    read_json,
    type_problem,
)
from embodichain_rl.config.runtime import RuntimeConfig
from embodichain_rl.config.schema import GROUP_SCHEMAS
from embodichain_rl.policies.actor_critic import NETWORK_TYPES
from embodichain_rl.policies.mlp import ACTIVATIONS

log = logging.getLogger(__name__)

Item = tuple[str, Any, str]
"""A JSON key, its value and its JSON path."""


@dataclass
class Translation:
    """What a legacy config means here: group options, dotted field values, ignored paths."""

    source: Path
    choices: dict[str, str] = field(default_factory=dict)
    """Group -> option (``env`` -> ``push_cube``)."""
    values: dict[str, Any] = field(default_factory=dict)
    """Dotted config key -> plain JSON value, in file order."""
    ignored: list[str] = field(default_factory=list)
    """``file: json.path`` of every section with no counterpart here."""


def _fields(schema: type, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    hints = typing.get_type_hints(schema)
    return {n: hints[n] for n in hints if not n.startswith("_") and n not in set(exclude)}


class _Translator:
    def __init__(self, source: Path) -> None:
        self.source = source
        self.problems = Problems()
        self.result = Translation(source)
        self._origin: dict[str, str] = {}

    def _unknown(self, file: Path, at: str, key: str, valid: Iterable[str]) -> None:
        valid = list(valid)
        close = difflib.get_close_matches(key, valid, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        self.problems.add(file, at, f"unknown key{hint}; valid keys: {', '.join(valid)}")

    def _set(self, file: Path, at: str, target: str, value: Any, hint: Any) -> None:
        problem = type_problem(value, hint)
        if problem is not None:
            self.problems.add(file, at, problem)
        elif target in self._origin:
            self.problems.add(
                file, at, f"sets {target} again (already set by {self._origin[target]}); keep one"
            )
        else:
            self.result.values[target] = plain(value)
            self._origin[target] = at

    def _ignore(self, file: Path, at: str) -> None:
        self.result.ignored.append(f"{file.name}: {at}")

    def translate(self) -> Translation:
        source = self.source
        data = read_json(source, self.problems, where="", missing_hint="give a train config")
        top = as_object(data, source, "", self.problems) if data is not None else None
        if top is not None:
            self._top(top)
        if self.problems.lines:
            raise LegacyConfigError(source, self.problems.lines)
        if self.result.ignored:
            log.warning(
                "legacy config %s: ignored (no counterpart here; the original simulator's "
                "scene and hooks): %s",
                source,
                ", ".join(self.result.ignored),
            )
        return self.result

    def _top(self, top: dict[str, Any]) -> None:
        src = self.source
        for key in top:
            if key not in table.TOP_LEVEL:
                self._unknown(src, key, key, table.TOP_LEVEL)
        if "runtime" in top and "trainer" in top:
            self.problems.add(src, "trainer", "give either runtime or trainer, not both")
        gym_config: Item | None = None
        for name in ("runtime", "trainer"):
            if name in top:
                gym_config = self._runtime(top[name], name) or gym_config
        if "env" in top and gym_config is not None:
            self.problems.add(src, "env", "give either env or trainer.gym_config, not both")
        elif "env" in top:
            self._documented_env(top["env"])
        elif gym_config is not None:
            self._gym_file(gym_config)
        for group in ("policy", "algorithm"):
            if group in top:
                self._named_section(group, top[group])

    def _runtime(self, value: Any, where: str) -> Item | None:
        obj = as_object(value, self.source, where, self.problems)
        if obj is None:
            return None
        hints = _fields(RuntimeConfig)
        moved = moved_runtime_types()
        extra = table.TRAINER_ONLY if where == "trainer" else ()
        gym_config: Item | None = None
        for key, item in obj.items():
            at = join(where, key)
            if key in table.IGNORED_RUNTIME:
                self._ignore(self.source, at)
            elif key in extra:
                gym_config = (key, item, at)
            elif key == "device" and item in table.DEVICE_MEANS_CUDA:
                self._set(self.source, at, "runtime.cuda", True, bool)
            elif key in hints:
                self._set(self.source, at, f"runtime.{key}", item, hints[key])
            elif key in moved:
                target, hint = moved[key]
                self._set(self.source, at, target, item, hint)
            else:
                valid = [*hints, *moved, *extra, *table.IGNORED_RUNTIME]
                self._unknown(self.source, at, key, valid)
        modules = self.result.values.get("runtime.imports", [])
        for index, why in import_modules(modules):
            self.problems.add(self.source, join(join(where, "imports"), index), why)
        return gym_config

    def _resolve_env(self, file: Path, at: str, env_id: Any) -> Choice | None:
        problem = type_problem(env_id, str)
        if problem is not None:
            self.problems.add(file, at, problem)
            return None
        try:
            choice = resolve_env(env_id)
        except UnresolvedName as error:
            self.problems.add(file, at, str(error))
            return None
        self.result.choices["env"] = choice.option
        for key, value in choice.values.items():
            self.result.values[f"env.{key}"] = value
        return choice

    def _documented_env(self, value: Any) -> None:
        obj = as_object(value, self.source, "env", self.problems)
        if obj is None:
            return
        for key in obj:
            if key not in ("id", "cfg"):
                self._unknown(self.source, join("env", key), key, ("id", "cfg"))
        if "id" not in obj:
            self.problems.add(self.source, "env.id", "missing; name the env (e.g. PushCubeRL)")
            return
        choice = self._resolve_env(self.source, "env.id", obj["id"])
        cfg = as_object(obj["cfg"], self.source, "env.cfg", self.problems) if "cfg" in obj else {}
        if choice is not None and cfg is not None:
            items = [(k, v, join("env.cfg", k)) for k, v in cfg.items()]
            self._task(self.source, items, choice.option)

    def _gym_file(self, gym_config: Item) -> None:
        _, value, at = gym_config
        problem = type_problem(value, str)
        if problem is not None:
            self.problems.add(self.source, at, problem)
            return
        path = self.source.parent / value
        if not path.is_file():
            self.problems.add(
                self.source, at, f"gym file not found: {path} (relative to the train config)"
            )
            return
        data = read_json(path, self.problems, where="", missing_hint="")
        top = as_object(data, path, "", self.problems) if data is not None else None
        if top is None:
            return
        valid = ("id", "env", *table.IGNORED_GYM_TOP)
        for key in top:
            if key in table.IGNORED_GYM_TOP:
                self._ignore(path, key)
            elif key not in valid:
                self._unknown(path, key, key, valid)
        if "id" not in top:
            self.problems.add(path, "id", "missing; name the env (e.g. PushCubeRL)")
            return
        choice = self._resolve_env(path, "id", top["id"])
        env = as_object(top["env"], path, "env", self.problems) if "env" in top else {}
        if choice is None or env is None:
            return
        items: list[Item] = []
        for key, item in env.items():
            if key in table.IGNORED_GYM_ENV:
                self._ignore(path, join("env", key))
            elif key == "extensions":
                extensions = as_object(item, path, "env.extensions", self.problems) or {}
                items += [(k, v, join("env.extensions", k)) for k, v in extensions.items()]
            else:
                items.append((key, item, join("env", key)))
        self._task(path, items, choice.option)

    def _task(self, file: Path, items: list[Item], option: str) -> None:
        hints = _fields(GROUP_SCHEMAS["env"][option], exclude=table.TASK_EXCLUDED)
        aliases = [alias for alias, target in table.TASK_ALIASES.items() if target in hints]
        for key, value, at in items:
            target = table.TASK_ALIASES.get(key, key)
            if target in hints:
                self._set(file, at, f"env.{target}", value, hints[target])
            elif key in table.IGNORED_WITHOUT_FIELD:
                self._ignore(file, at)
            else:
                self._unknown(file, at, key, [*hints, *aliases])

    def _named_section(self, group: str, value: Any) -> None:
        obj = as_object(value, self.source, group, self.problems)
        if obj is None:
            return
        networks = table.POLICY_NETWORKS if group == "policy" else ()
        for key in obj:
            if key not in ("name", "cfg", *networks):
                self._unknown(self.source, join(group, key), key, ("name", "cfg", *networks))
        name = obj.get("name")
        problem = "missing; name a registered class" if "name" not in obj else None
        problem = problem or type_problem(name, str)
        if problem is not None:
            self.problems.add(self.source, join(group, "name"), problem)
            return
        try:
            choice = resolve_class(group, name)
        except UnresolvedName as error:
            self.problems.add(self.source, join(group, "name"), str(error))
            return
        self.result.choices[group] = choice.option
        for key, item in choice.values.items():
            self.result.values[f"{group}.{key}"] = item
        hints = _fields(GROUP_SCHEMAS[group][choice.option])
        cfg = as_object(obj.get("cfg", {}), self.source, join(group, "cfg"), self.problems)
        for key, item in (cfg or {}).items():
            at = join(join(group, "cfg"), key)
            if key in hints and key not in networks:
                self._set(self.source, at, f"{group}.{key}", item, hints[key])
            else:
                self._unknown(self.source, at, key, [k for k in hints if k not in networks])
        if "batch_size" in (cfg or {}) and "num_minibatches" in hints:
            # A legacy batch_size is the minibatch size: it replaces num_minibatches.
            self.result.values.setdefault(f"{group}.num_minibatches", None)
        for role in networks:
            if role in obj and dataclasses.is_dataclass(hints.get(role)):
                self._network(obj[role], join(group, role), f"{group}.{role}", hints[role])

    def _network(self, value: Any, where: str, prefix: str, schema: type) -> None:
        obj = as_object(value, self.source, where, self.problems)
        if obj is None:
            return
        hints = _fields(schema)
        items = [(k, v, join(where, k)) for k, v in obj.items() if k != "network_cfg"]
        if "network_cfg" in obj:
            nested = (
                as_object(
                    obj["network_cfg"], self.source, join(where, "network_cfg"), self.problems
                )
                or {}
            )
            items += [(k, v, join(join(where, "network_cfg"), k)) for k, v in nested.items()]
        for key, item, at in items:
            if key not in hints:
                self._unknown(self.source, at, key, [*hints, "network_cfg"])
            elif key == "activation" and isinstance(item, str) and item.lower() not in ACTIVATIONS:
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
                self._set(self.source, at, f"{prefix}.{key}", item, hints[key])


def translate_json(path: str | Path) -> Translation:
    """Read a legacy train config (and its gym file) into group choices and field values;
    raise one ``LegacyConfigError`` naming every problem; log one warning listing what was
    ignored."""
    return _Translator(Path(path)).translate()
