"""Off-policy learners (SAC, TD3) over a shared replay-buffer base."""

from __future__ import annotations

from embodichain_rl.algorithms.off_policy.base import OffPolicyAlgorithm
from embodichain_rl.algorithms.off_policy.config import OffPolicyConfig
from embodichain_rl.algorithms.off_policy.sac import SAC
from embodichain_rl.algorithms.off_policy.sac_config import SACConfig
from embodichain_rl.algorithms.off_policy.td3 import TD3
from embodichain_rl.algorithms.off_policy.td3_config import TD3Config

__all__ = ["SAC", "TD3", "OffPolicyAlgorithm", "OffPolicyConfig", "SACConfig", "TD3Config"]
