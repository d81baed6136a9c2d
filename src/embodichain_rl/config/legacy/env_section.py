"""The env a legacy config names: the documented ``env`` section, a gym file
(``trainer.gym_config``, JSON or YAML) or ``trainer.learning_env``, and the task keys each one
carries (``env.cfg``, the gym file's ``extensions`` and functor terms, ``learning_env.cfg``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from embodichain_rl.config.legacy import mapping as table
from embodichain_rl.config.legacy.collect import Collector, Item, schema_fields
from embodichain_rl.config.legacy.gym_path import resolve_gym_path
from embodichain_rl.config.legacy.names import Choice, UnresolvedName, resolve_env
from embodichain_rl.config.legacy.reader import as_object, join, read_config, type_problem
from embodichain_rl.config.schema import GROUP_SCHEMAS


def resolve_env_choice(col: Collector, file: Path, at: str, env_id: Any) -> Choice | None:
    """Choose the env option ``env_id`` names (recording why not, when it names none)."""
    problem = type_problem(env_id, str)
    if problem is not None:
        col.problems.add(file, at, problem)
        return None
    try:
        choice = resolve_env(env_id)
    except UnresolvedName as error:
        col.problems.add(file, at, str(error))
        return None
    col.result.choices["env"] = choice.option
    for key, value in choice.values.items():
        col.result.values[f"env.{key}"] = value
    return choice


def translate_task(col: Collector, file: Path, items: list[Item], option: str) -> None:
    """Task keys -> ``env.<field>`` of ``option`` (legacy names through ``TASK_ALIASES``)."""
    hints = schema_fields(GROUP_SCHEMAS["env"][option], exclude=table.TASK_EXCLUDED)
    aliases = [alias for alias, target in table.TASK_ALIASES.items() if target in hints]
    for key, value, at in items:
        target = table.TASK_ALIASES.get(key, key)
        if target == "num_envs" and col.has("env.num_envs"):
            col.ignore(file, at)  # EmbodiChain: trainer.num_envs replaces the env's own
        elif target in hints:
            col.set(file, at, f"env.{target}", value, hints[target])
        elif key in table.IGNORED_WITHOUT_FIELD:
            col.ignore(file, at)
        else:
            col.unknown(file, at, key, [*hints, *aliases])


def documented_env(col: Collector, value: Any) -> None:
    """The documented shape's ``env: {id, cfg}``."""
    source = col.source
    obj = as_object(value, source, "env", col.problems)
    if obj is None:
        return
    for key in obj:
        if key not in ("id", "cfg"):
            col.unknown(source, join("env", key), key, ("id", "cfg"))
    if "id" not in obj:
        col.problems.add(source, "env.id", "missing; name the env (e.g. PushCubeRL)")
        return
    choice = resolve_env_choice(col, source, "env.id", obj["id"])
    cfg = as_object(obj["cfg"], source, "env.cfg", col.problems) if "cfg" in obj else {}
    if choice is not None and cfg is not None:
        items = [(k, v, join("env.cfg", k)) for k, v in cfg.items()]
        translate_task(col, source, items, choice.option)


def learning_env(col: Collector, item: Item) -> None:
    """``trainer.learning_env``: a registered env id, or ``{name, cfg}`` with its parameters."""
    _, value, at = item
    source = col.source
    if isinstance(value, str):
        resolve_env_choice(col, source, at, value)
        return
    obj = as_object(value, source, at, col.problems)
    if obj is None:
        return
    for key in obj:
        if key not in ("name", "cfg"):
            col.unknown(source, join(at, key), key, ("name", "cfg"))
    if "name" not in obj:
        col.problems.add(source, join(at, "name"), "missing; name the env (e.g. PointMassRL)")
        return
    choice = resolve_env_choice(col, source, join(at, "name"), obj["name"])
    where = join(at, "cfg")
    cfg = as_object(obj["cfg"], source, where, col.problems) if "cfg" in obj else {}
    if choice is not None and cfg is not None:
        items = [(k, v, join(where, k)) for k, v in cfg.items()]
        translate_task(col, source, items, choice.option)


def gym_file(col: Collector, item: Item) -> None:
    """``trainer.gym_config``: the env file (found as ``gym_path`` says) and its task keys."""
    _, value, at = item
    problem = type_problem(value, str)
    if problem is not None:
        col.problems.add(col.source, at, problem)
        return
    path, why = resolve_gym_path(col.source, value)
    if path is None:
        col.problems.add(col.source, at, why)
        return
    data = read_config(path, col.problems, where="", missing_hint="")
    top = as_object(data, path, "", col.problems) if data is not None else None
    if top is None:
        return
    valid = ("id", "env", *table.GYM_TOP_FIELDS, *table.IGNORED_GYM_TOP)
    for key in top:
        if key in table.IGNORED_GYM_TOP:
            col.ignore(path, key)
        elif key not in valid:
            col.unknown(path, key, key, valid)
    if "id" not in top:
        col.problems.add(path, "id", "missing; name the env (e.g. PushCubeRL)")
        return
    choice = resolve_env_choice(col, path, "id", top["id"])
    env = as_object(top["env"], path, "env", col.problems) if "env" in top else {}
    if choice is None or env is None:
        return
    items: list[Item] = [(k, top[k], k) for k in table.GYM_TOP_FIELDS if k in top]
    for key, entry in env.items():
        where = join("env", key)
        if key in table.IGNORED_GYM_ENV:
            col.ignore(path, where)
        elif key in table.MANAGER_SECTIONS:
            items += _manager_items(col, path, where, entry, choice.option)
        elif key == "extensions":
            extensions = as_object(entry, path, where, col.problems) or {}
            items += [(k, v, join(where, k)) for k, v in extensions.items()]
        else:
            items.append((key, entry, where))
    translate_task(col, path, items, choice.option)


def _manager_items(col: Collector, path: Path, where: str, value: Any, option: str) -> list[Item]:
    """Functor terms (``{term: {func, weight, params}}``) that mean a field of ``option``, as
    task items; every other term is ignored (listed)."""
    terms = as_object(value, path, where, col.problems) or {}
    fields = schema_fields(GROUP_SCHEMAS["env"][option])
    items: list[Item] = []
    for name, term in terms.items():
        at = join(where, name)
        obj = as_object(term, path, at, col.problems)
        if obj is None:
            continue
        func = obj.get("func")
        if not col.checked(path, join(at, "func"), func, str):
            continue
        key, target = table.MANAGER_FIELDS.get(func, ("", ""))
        found, entry = _dig(obj, key)
        if target in fields and found:
            items.append((target, entry, join(at, key)))
        else:
            col.ignore(path, at)
    return items


def _dig(obj: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    """``(True, value)`` at the dotted key inside ``obj``, or ``(False, None)``."""
    node: Any = obj
    for part in dotted.split(".") if dotted else ["\0"]:
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node
