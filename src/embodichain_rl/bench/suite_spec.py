"""The suite spec of ``embodichain-bench suite``: which tasks, algorithms and seeds make the
cells, each task's success threshold and budget, and what the statistics use.

A spec is a small YAML file (the shipped ones live in :mod:`embodichain_rl.bench.suites`,
outside the Hydra config tree, so no train config group can pick them up). Every default is
written once, in the dataclasses below; a spec file sets only what it means to. Bad input
is a :class:`SuiteSpecError` whose one line names the key and what is valid.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from embodichain_rl.config.errors import did_you_mean

METRICS = ("success_rate", "episode_return")
"""Eval metrics a task's threshold and curves can use."""


class SuiteSpecError(ValueError):
    """A suite spec the command cannot use; the message is one line."""


@dataclass(frozen=True)
class TaskSpec:
    """One task (a row of the suite)."""

    overrides: tuple[str, ...]
    """Hydra overrides that select and configure the task's env (``env=push_cube``)."""
    threshold: float
    """Value of ``metric`` at which the task counts as solved (env steps and wall time to
    the first evaluation reaching it are reported)."""
    metric: str = "success_rate"
    """Eval metric the threshold, the curves and the sustained value use: ``success_rate`` or
    ``episode_return`` (for envs that report no success)."""
    env_steps: int | None = None
    """Training budget of every cell of this task, in env steps (converted to whole
    iterations with each cell's ``env.num_envs x runtime.rollout_steps``); ``None`` keeps
    each cell's composed ``runtime.iterations``."""
    eval_every_steps: int | None = None
    """Env steps between evaluations (converted like ``env_steps``); ``None`` keeps each
    cell's composed ``eval.freq``."""


@dataclass(frozen=True)
class AlgorithmSpec:
    """One algorithm (a column of the suite)."""

    overrides: tuple[str, ...]
    """Hydra overrides that select and configure it (``algorithm=ppo policy=actor_critic``)."""
    tasks: tuple[str, ...] | None = None
    """The tasks it applies to (``None``: every task)."""
    smoke_overrides: tuple[str, ...] = ()
    """Extra overrides of its cells under ``--smoke`` (e.g. a minibatch that fits the tiny
    rollout), after the suite's ``smoke.overrides``."""


@dataclass(frozen=True)
class SmokeSpec:
    """The ``--smoke`` scale: every cell shrunk to seconds, for CI."""

    iterations: int = 2
    """``runtime.iterations`` of every cell."""
    eval_every: int = 1
    """``eval.freq`` of every cell (iterations)."""
    overrides: tuple[str, ...] = ()
    """Hydra overrides applied to every cell after its own (small env and eval batches)."""


@dataclass(frozen=True)
class SuiteSpec:
    """Tasks x algorithms x seeds, and how their results are summarised."""

    name: str
    """The suite's name (the spec file's stem)."""
    tasks: dict[str, TaskSpec]
    """Tasks by name, in report order."""
    algorithms: dict[str, AlgorithmSpec]
    """Algorithms by name, in report order."""
    seeds: tuple[int, ...] = (0, 1, 2)
    """``runtime.seed`` of the runs of every (task, algorithm) pair."""
    pairs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Extra overrides of one pair, keyed ``task/algorithm`` (applied after the task's and
    the algorithm's)."""
    final_window: int = 3
    """K: the sustained value is the mean of the last K evaluations."""
    sustain: int = 3
    """Consecutive evaluations at or above the threshold that make a sustained crossing."""
    bootstrap_samples: int = 2000
    """Stratified bootstrap replicates behind every confidence interval."""
    confidence: float = 0.95
    """Confidence level of the intervals."""
    bootstrap_seed: int = 0
    """Seed of the bootstrap's random generator (the intervals are reproducible)."""
    smoke: SmokeSpec = field(default_factory=SmokeSpec)
    """The ``--smoke`` scale."""

    def applies(self, task: str, algorithm: str) -> bool:
        """Whether ``algorithm`` runs on ``task``."""
        tasks = self.algorithms[algorithm].tasks
        return tasks is None or task in tasks


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check_keys(node: Any, cls: type, path: str, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """``node`` as a mapping whose keys are fields of ``cls`` (required ones present)."""
    if not isinstance(node, dict):
        raise SuiteSpecError(f"{path or 'the spec'}: must be a mapping, got {node!r}")
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skip]
    for key in node:
        if key not in names:
            hint = did_you_mean(str(key), names)
            raise SuiteSpecError(
                f"{_where(path, str(key))}: unknown key{hint}; valid keys: {', '.join(names)}"
            )
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and f.name not in skip and f.name not in node:
            raise SuiteSpecError(f"{_where(path, f.name)}: missing (required)")
    return node


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SuiteSpecError(f"{where}: must be a list of strings, got {value!r}")
    return tuple(value)


def _integer(value: Any, where: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SuiteSpecError(f"{where}: must be an integer >= {low}, got {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SuiteSpecError(f"{where}: must be a number, got {value!r}")
    return float(value)


def _task(name: str, node: Any) -> TaskSpec:
    where = f"tasks.{name}"
    node = _check_keys(node, TaskSpec, where)
    spec = TaskSpec(
        overrides=_strings(node["overrides"], f"{where}.overrides"),
        threshold=_number(node["threshold"], f"{where}.threshold"),
    )
    if "metric" in node:
        if node["metric"] not in METRICS:
            raise SuiteSpecError(
                f"{where}.metric: must be one of {list(METRICS)}, got {node['metric']!r}"
            )
        spec = dataclasses.replace(spec, metric=node["metric"])
    if spec.metric == "success_rate" and not 0.0 <= spec.threshold <= 1.0:
        raise SuiteSpecError(
            f"{where}.threshold: a success rate is in [0, 1], got {spec.threshold}"
        )
    for key in ("env_steps", "eval_every_steps"):
        if node.get(key) is not None:
            spec = dataclasses.replace(spec, **{key: _integer(node[key], f"{where}.{key}", 1)})
    return spec


def _algorithm(name: str, node: Any, task_names: list[str]) -> AlgorithmSpec:
    where = f"algorithms.{name}"
    node = _check_keys(node, AlgorithmSpec, where)
    tasks = node.get("tasks")
    if tasks is not None:
        tasks = _strings(tasks, f"{where}.tasks")
        for task in tasks:
            if task not in task_names:
                raise SuiteSpecError(
                    f"{where}.tasks: unknown task {task!r}{did_you_mean(task, task_names)}; "
                    f"tasks: {', '.join(task_names)}"
                )
    smoke = node.get("smoke_overrides", [])
    return AlgorithmSpec(
        overrides=_strings(node["overrides"], f"{where}.overrides"),
        tasks=tasks,
        smoke_overrides=_strings(smoke, f"{where}.smoke_overrides"),
    )


def _pairs(node: Any, spec: SuiteSpec) -> dict[str, tuple[str, ...]]:
    if not isinstance(node, dict):
        raise SuiteSpecError(
            f"pairs: must be a mapping of task/algorithm to overrides, got {node!r}"
        )
    pairs = {}
    for key, value in node.items():
        task, _, algorithm = str(key).partition("/")
        if task not in spec.tasks or algorithm not in spec.algorithms:
            raise SuiteSpecError(
                f"pairs.{key}: not a task/algorithm of this suite; tasks: "
                f"{', '.join(spec.tasks)}; algorithms: {', '.join(spec.algorithms)}"
            )
        if not spec.applies(task, algorithm):
            raise SuiteSpecError(f"pairs.{key}: {algorithm} does not apply to {task}")
        pairs[str(key)] = _strings(value, f"pairs.{key}")
    return pairs


def _smoke(node: Any) -> SmokeSpec:
    node = _check_keys(node, SmokeSpec, "smoke")
    smoke = SmokeSpec()
    for key in ("iterations", "eval_every"):
        if key in node:
            smoke = dataclasses.replace(smoke, **{key: _integer(node[key], f"smoke.{key}", 1)})
    if "overrides" in node:
        smoke = dataclasses.replace(smoke, overrides=_strings(node["overrides"], "smoke.overrides"))
    return smoke


def _named(node: Any, key: str) -> dict[str, Any]:
    if not isinstance(node, dict) or not node:
        raise SuiteSpecError(f"{key}: must be a non-empty mapping of names, got {node!r}")
    return {str(name): value for name, value in node.items()}


def parse_spec(data: Any, name: str) -> SuiteSpec:
    """A :class:`SuiteSpec` from the parsed YAML ``data``."""
    data = _check_keys(data, SuiteSpec, "", skip=("name",))
    tasks = {n: _task(n, v) for n, v in _named(data["tasks"], "tasks").items()}
    algorithms = {
        n: _algorithm(n, v, list(tasks))
        for n, v in _named(data["algorithms"], "algorithms").items()
    }
    spec = SuiteSpec(name=name, tasks=tasks, algorithms=algorithms)
    changes: dict[str, Any] = {}
    if "seeds" in data:
        seeds = data["seeds"]
        if not isinstance(seeds, list) or not seeds:
            raise SuiteSpecError(f"seeds: must be a non-empty list of integers, got {seeds!r}")
        changes["seeds"] = tuple(_integer(s, "seeds", 0) for s in seeds)
    for key in ("final_window", "sustain", "bootstrap_samples"):
        if key in data:
            changes[key] = _integer(data[key], key, 1)
    if "bootstrap_seed" in data:
        changes["bootstrap_seed"] = _integer(data["bootstrap_seed"], "bootstrap_seed", 0)
    if "confidence" in data:
        changes["confidence"] = _number(data["confidence"], "confidence")
        if not 0.0 < changes["confidence"] < 1.0:
            raise SuiteSpecError(f"confidence: must be in (0, 1), got {changes['confidence']}")
    if "smoke" in data:
        changes["smoke"] = _smoke(data["smoke"])
    spec = dataclasses.replace(spec, **changes)
    if "pairs" in data:
        spec = dataclasses.replace(spec, pairs=_pairs(data["pairs"], spec))
    return spec


def shipped_suites() -> list[str]:
    """Names of the suite specs shipped with the package."""
    folder = resources.files("embodichain_rl.bench.suites")
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_spec(name_or_path: str) -> SuiteSpec:
    """The shipped suite ``name_or_path`` or the spec in that YAML file; a
    :class:`SuiteSpecError` (one line, naming the file) otherwise."""
    path = Path(name_or_path)
    if name_or_path in shipped_suites():
        resource = resources.files("embodichain_rl.bench.suites") / f"{name_or_path}.yaml"
        text, label, name = resource.read_text(), name_or_path, name_or_path
    elif path.suffix in (".yaml", ".yml") and path.is_file():
        text, label, name = path.read_text(), str(path), path.stem
    else:
        raise SuiteSpecError(
            f"--suite: {name_or_path!r} is neither a shipped suite ({', '.join(shipped_suites())}) "
            "nor a .yaml file"
        )
    try:
        return parse_spec(yaml.safe_load(text), name=name)
    except yaml.YAMLError as error:
        reason = " ".join(str(error).split())
        raise SuiteSpecError(f"suite spec {label}: not valid YAML ({reason})") from None
    except SuiteSpecError as error:
        raise SuiteSpecError(f"suite spec {label}: {error}") from None
