"""Learning algorithms: the ``BaseAlgorithm`` interface, PPO, GAE and the registry."""

from __future__ import annotations

from embodichain_rl.algorithms.base import BaseAlgorithm, StepCallback
from embodichain_rl.algorithms.gae import compute_gae
from embodichain_rl.algorithms.losses import PPOLoss, ppo_loss
from embodichain_rl.algorithms.ppo import PPO, PPOConfig
from embodichain_rl.algorithms.registry import (
    AlgoRegistryError,
    get_algo_class,
    register_algo,
    registered_algos,
)

__all__ = [
    "PPO",
    "AlgoRegistryError",
    "BaseAlgorithm",
    "PPOConfig",
    "PPOLoss",
    "StepCallback",
    "compute_gae",
    "get_algo_class",
    "ppo_loss",
    "register_algo",
    "registered_algos",
]
