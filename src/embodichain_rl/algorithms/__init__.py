"""Learning algorithms: the ``BaseAlgorithm`` interface, PPO, GAE, the off-policy base
with SAC and TD3, and the registry."""

from __future__ import annotations

from embodichain_rl.algorithms.apg import APG
from embodichain_rl.algorithms.apg_config import APGConfig
from embodichain_rl.algorithms.base import BaseAlgorithm, StepCallback
from embodichain_rl.algorithms.bc import BC
from embodichain_rl.algorithms.bc_config import BCConfig
from embodichain_rl.algorithms.gae import compute_gae
from embodichain_rl.algorithms.grpo import GRPO
from embodichain_rl.algorithms.grpo_config import GRPOConfig
from embodichain_rl.algorithms.losses import PPOLoss, ppo_loss
from embodichain_rl.algorithms.off_policy import (
    SAC,
    TD3,
    OffPolicyAlgorithm,
    SACConfig,
    TD3Config,
)
from embodichain_rl.algorithms.ppo import PPO, PPOConfig
from embodichain_rl.algorithms.registry import (
    AlgoRegistryError,
    get_algo_class,
    register_algo,
    registered_algos,
)

__all__ = [
    "APG",
    "BC",
    "GRPO",
    "PPO",
    "SAC",
    "TD3",
    "APGConfig",
    "AlgoRegistryError",
    "BCConfig",
    "BaseAlgorithm",
    "GRPOConfig",
    "OffPolicyAlgorithm",
    "PPOConfig",
    "PPOLoss",
    "SACConfig",
    "StepCallback",
    "TD3Config",
    "compute_gae",
    "get_algo_class",
    "ppo_loss",
    "register_algo",
    "registered_algos",
]
