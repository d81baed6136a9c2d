"""Which config a resumed run uses, and the checkpoint it continues from.

``runtime.resume=PATH`` continues the run saved in PATH: a checkpoint file, or a run
directory, whose newest complete checkpoint (``last.pt`` or ``iter_*.pt``, whichever holds
the later iteration; unreadable files are skipped) is used, so a run killed between two
``last.pt`` refreshes resumes from its latest periodic save. The config is the one saved in
the checkpoint; dotted overrides given with the resume (``runtime.iterations=800``) are
applied on top. Changing a config group (``env=gym``) on resume is refused. Without a record
of the overrides (a config handed to ``Trainer.from_config``), the config passed in is used
as it is, with a warning for every difference to the checkpoint's.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.config.aliases import move_runtime_keys, rewrite_moved_keys
from embodichain_rl.config.errors import ConfigError
from embodichain_rl.config.schema import TrainConfig
from embodichain_rl.trainer.checkpoint import CheckpointError, load_checkpoint

log = logging.getLogger(__name__)

SECTIONS = ("runtime", "env", "policy", "algorithm")
"""Top-level config sections every saved run has."""


def command_line_overrides() -> list[str] | None:
    """The overrides of the running Hydra job, or ``None`` outside one."""
    if not HydraConfig.initialized():
        return None
    return list(HydraConfig.get().overrides.task)


def _iteration_of(path: Path) -> int | None:
    try:
        return int(load_checkpoint(path).get("iteration", -1))
    except CheckpointError as error:
        log.warning("skipping %s: %s", path, error)
        return None


def newest_checkpoint(run_dir: Path) -> Path:
    """The complete checkpoint of ``run_dir`` with the latest iteration (``last.pt`` wins a
    tie); raises :class:`CheckpointError` when there is none."""
    folder = run_dir / "checkpoints" if (run_dir / "checkpoints").is_dir() else run_dir
    candidates = [folder / "last.pt", *sorted(folder.glob("iter_*.pt"), reverse=True)]
    best: tuple[int, Path] | None = None
    for path in candidates:
        if not path.is_file():
            continue
        iteration = _iteration_of(path)
        if iteration is not None and (best is None or iteration > best[0]):
            best = (iteration, path)
    if best is None:
        raise CheckpointError(
            f"{run_dir} holds no complete checkpoint (checkpoints/last.pt or iter_*.pt) to "
            "resume from"
        )
    return best[1]


def resolve_resume_target(target: str | Path) -> Path:
    """A checkpoint file as given, or a run directory's newest complete checkpoint."""
    path = Path(target).expanduser()
    if path.is_dir():
        return newest_checkpoint(path)
    if not path.is_file():
        raise CheckpointError(f"runtime.resume={target}: no such checkpoint file or run directory")
    return path


def run_dir_of(checkpoint: Path) -> Path:
    """The run directory a checkpoint file belongs to."""
    parent = checkpoint.resolve().parent
    return parent.parent if parent.name == "checkpoints" else parent


def _override_key(override: str) -> str:
    key = override.split("=", 1)[0].strip()
    return key.lstrip("+~").split("@", 1)[0]


def overlay_overrides(
    saved: dict[str, Any], composed: DictConfig, overrides: list[str]
) -> DictConfig:
    """The saved config (on the typed run-level sections, so keys added since it was saved
    get their defaults) with every dotted override's value copied from ``composed``."""
    merged = OmegaConf.merge(OmegaConf.structured(TrainConfig), saved)
    assert isinstance(merged, DictConfig)
    for override in rewrite_moved_keys(overrides):
        key = _override_key(override)
        if key == "hydra" or key.startswith(("hydra.", "hydra/")):
            continue
        if "." not in key:
            raise ConfigError(
                f"{override}: a resumed run keeps the checkpoint's config groups and presets; "
                "override single keys such as runtime.iterations=... instead"
            )
        value = OmegaConf.select(composed, key)
        if OmegaConf.is_config(value):
            value = OmegaConf.to_container(value, resolve=True)
        OmegaConf.update(merged, key, value, force_add=True)
    return merged


def config_differences(saved: dict[str, Any], current: DictConfig) -> list[str]:
    """Dotted keys of env / policy / algorithm whose values differ between two configs."""
    now = OmegaConf.to_container(current, resolve=True)
    assert isinstance(now, dict)
    differences: list[str] = []

    def walk(a: Any, b: Any, path: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
        elif a != b:
            differences.append(f"{path}: checkpoint {a!r}, now {b!r}")

    for section in ("env", "policy", "algorithm"):
        walk(saved.get(section), now.get(section), section)
    return differences


def saved_config(payload: dict[str, Any], path: Path) -> dict[str, Any]:
    """The training config stored in a checkpoint (older layouts brought up to date)."""
    saved = payload.get("config")
    if not isinstance(saved, dict) or not all(section in saved for section in SECTIONS):
        raise CheckpointError(f"{path} holds no training config to resume from")
    return move_runtime_keys(dict(saved))


def prepare_resume(
    cfg: DictConfig, overrides: list[str] | None = None
) -> tuple[DictConfig, dict[str, Any] | None]:
    """``(config to run, checkpoint payload)``; the payload is ``None`` for a fresh run.
    ``overrides`` are the ones the run was composed with (they are laid over the saved
    config); ``None`` means ``cfg`` is final and is used as it is."""
    target = cfg.runtime.get("resume")
    if not target:
        return cfg, None
    path = resolve_resume_target(target)
    payload = load_checkpoint(path)
    saved = saved_config(payload, path)
    if overrides is not None:
        cfg = overlay_overrides(saved, cfg, overrides)
        OmegaConf.update(cfg, "runtime.resume", str(path), force_add=True)
    else:
        for difference in config_differences(saved, cfg):
            log.warning("resuming with a config that differs from the checkpoint: %s", difference)
    log.info("resuming from %s (iteration %d)", path, int(payload["iteration"]))
    return cfg, payload


def keep_exp_name(overrides: list[str]) -> list[str]:
    """``overrides`` plus ``runtime.exp_name=<the checkpoint's>`` when they resume a run and
    name no experiment, so the new run directory keeps the original experiment's name.
    An unreadable target is left for the run's own checks to report."""
    keys = {_override_key(o): o.split("=", 1)[1] for o in overrides if "=" in o}
    target = keys.get("runtime.resume")
    if not target or target == "null" or "runtime.exp_name" in keys:
        return overrides
    try:
        path = resolve_resume_target(target)
        name = saved_config(load_checkpoint(path), path)["runtime"].get("exp_name")
    except CheckpointError:
        return overrides
    return [*overrides, f"runtime.exp_name={name}"] if name else overrides
