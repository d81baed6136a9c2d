"""Which config a resumed run uses, and the checkpoint it continues from.

``embodichain-train runtime.resume=PATH`` continues the run saved in PATH (a checkpoint, or
a run directory for its ``checkpoints/last.pt``) in a new run directory. The config is the
one saved in the checkpoint; dotted overrides given on the resuming command line (for
example ``runtime.iterations=800``) are applied on top. Changing a config group
(``env=gym``) on resume is refused. Without Hydra's record of the command line (``run``
called from Python), the config passed in is used as it is.
"""

from __future__ import annotations

import logging
from typing import Any

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.trainer.checkpoint import load_checkpoint, resolve_checkpoint

log = logging.getLogger(__name__)

SECTIONS = ("runtime", "env", "policy", "algorithm")
"""Top-level config sections a run is made of."""


def command_line_overrides() -> list[str] | None:
    """The overrides of the running Hydra job, or ``None`` outside one."""
    if not HydraConfig.initialized():
        return None
    return list(HydraConfig.get().overrides.task)


def _override_key(override: str) -> str:
    key = override.split("=", 1)[0].strip()
    return key.lstrip("+~").split("@", 1)[0]


def overlay_overrides(
    saved: dict[str, Any], composed: DictConfig, overrides: list[str]
) -> DictConfig:
    """The saved config with every dotted command-line override copied from ``composed``."""
    merged = OmegaConf.create(saved)
    for override in overrides:
        key = _override_key(override)
        if key == "hydra" or key.startswith("hydra."):
            continue
        if "." not in key:
            raise ValueError(
                f"cannot change the config group {override!r} of a resumed run; resume "
                "keeps the checkpoint's env, policy and algorithm (override single keys "
                "such as runtime.iterations=... instead)"
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


def prepare_resume(cfg: DictConfig) -> tuple[DictConfig, dict[str, Any] | None]:
    """``(config to run, checkpoint payload)``; the payload is ``None`` for a fresh run."""
    target = cfg.runtime.get("resume")
    if not target:
        return cfg, None
    path = resolve_checkpoint(target)
    payload = load_checkpoint(path)
    saved = payload.get("config")
    if not isinstance(saved, dict) or not all(section in saved for section in SECTIONS):
        raise ValueError(f"{path} holds no training config to resume from")
    overrides = command_line_overrides()
    if overrides is not None:
        cfg = overlay_overrides(saved, cfg, overrides)
        OmegaConf.update(cfg, "runtime.resume", str(path), force_add=True)
    else:
        for difference in config_differences(saved, cfg):
            log.warning("resuming with a config that differs from the checkpoint: %s", difference)
    log.info("resuming from %s (iteration %d)", path, int(payload["iteration"]))
    return cfg, payload
