"""Policies: the ``Policy`` interface, ``ActorCritic`` (Gaussian or categorical head), its
config, the SAC and TD3 actor-critics, the MLP builder, the image encoders (dict
observations), the env-space keywords and the registry."""

from __future__ import annotations

from embodichain_rl.policies.actor_critic import ActorCritic
from embodichain_rl.policies.actor_critic_config import ActorCriticConfig, NetworkConfig
from embodichain_rl.policies.actor_only import ActorOnly
from embodichain_rl.policies.actor_only_config import ActorOnlyConfig
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.deterministic_actor_critic import DeterministicActorCritic
from embodichain_rl.policies.dict_normalizer import DictNormalizer
from embodichain_rl.policies.distributions import MultiCategorical
from embodichain_rl.policies.encoder_config import EncoderConfig
from embodichain_rl.policies.encoders import ImpalaCNN, NatureCNN
from embodichain_rl.policies.mlp import ACTIVATIONS, build_mlp, get_activation
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.observation_encoder import ObservationEncoder, observation_problem
from embodichain_rl.policies.registry import (
    PolicyRegistryError,
    get_policy_class,
    register_policy,
    registered_policies,
)
from embodichain_rl.policies.spaces import policy_space_kwargs
from embodichain_rl.policies.squashed_gaussian import SquashedGaussianActorCritic
from embodichain_rl.policies.vla import VLAConfig, VLAPolicy

__all__ = [
    "ACTIVATIONS",
    "ActorCritic",
    "ActorCriticConfig",
    "ActorOnly",
    "ActorOnlyConfig",
    "DeterministicActorCritic",
    "DictNormalizer",
    "EncoderConfig",
    "ImpalaCNN",
    "MultiCategorical",
    "NatureCNN",
    "NetworkConfig",
    "ObservationEncoder",
    "Policy",
    "PolicyRegistryError",
    "RunningNormalizer",
    "SquashedGaussianActorCritic",
    "VLAConfig",
    "VLAPolicy",
    "build_mlp",
    "get_activation",
    "get_policy_class",
    "observation_problem",
    "policy_space_kwargs",
    "register_policy",
    "registered_policies",
]
