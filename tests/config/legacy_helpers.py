"""Shared pieces of the legacy JSON tests: where the shipped files are, writing new ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.budgets import TINY_RUN

LEGACY = Path(__file__).resolve().parents[2].parent / "shared" / "legacy"
"""The legacy configs shipped beside the repository (``../shared/legacy``)."""

TUTORIAL = LEGACY / "push_cube_tutorial.json"
"""The documented shape."""

REPO_SHAPE = LEGACY / "embodichain_v0" / "train_config.json"
"""The shape of EmbodiChain's own repository (with ``gym_config.json`` beside it)."""

TINY = [o for o in TINY_RUN if not o.startswith("algorithm.num_minibatches=")]
TINY.append("algorithm.batch_size=8")
"""Overrides that make a training run take seconds on a CPU (the minibatch given as a size:
a legacy file's batch_size nulls num_minibatches)."""


def write_json(path: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` as JSON to ``path`` and return the path."""
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def tutorial_data() -> dict[str, Any]:
    """A fresh copy of the documented-shape file's content."""
    return json.loads(TUTORIAL.read_text(encoding="utf-8"))
