"""Policies: the ``Policy`` interface, ``ActorCritic``, the MLP builder and the registry."""

from __future__ import annotations

from embodichain_rl.policies.actor_critic import ActorCritic, NetworkConfig
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.mlp import ACTIVATIONS, build_mlp, get_activation
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.registry import (
    PolicyRegistryError,
    get_policy_class,
    register_policy,
    registered_policies,
)

__all__ = [
    "ACTIVATIONS",
    "ActorCritic",
    "NetworkConfig",
    "Policy",
    "PolicyRegistryError",
    "RunningNormalizer",
    "build_mlp",
    "get_activation",
    "get_policy_class",
    "register_policy",
    "registered_policies",
]
