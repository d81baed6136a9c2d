"""The vision-language-action policy (``policy=vla``): a transformers LLaVA-style model with
action tokens and exact log-probabilities (``docs/vla.md``)."""

from __future__ import annotations

from embodichain_rl.policies.vla.action_tokens import ActionBins
from embodichain_rl.policies.vla.backbone import MissingModelError
from embodichain_rl.policies.vla.config import LoraSettings, TinyBackboneConfig, VLAConfig
from embodichain_rl.policies.vla.policy import VLAPolicy

__all__ = [
    "ActionBins",
    "LoraSettings",
    "MissingModelError",
    "TinyBackboneConfig",
    "VLAConfig",
    "VLAPolicy",
]
