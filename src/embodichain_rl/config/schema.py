"""Typed schemas of the composed training config, registered in Hydra's ConfigStore.

Each group option has a dataclass here (``_target_`` plus the component's own config
class); the values live in the YAML presets under ``conf/``. Schemas are stored under a
separate ``schema/<group>`` group so they never show up as selectable options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from embodichain_rl.algorithms.apg_config import APGConfig
from embodichain_rl.algorithms.bc_config import BCConfig
from embodichain_rl.algorithms.grpo_config import GRPOConfig
from embodichain_rl.algorithms.off_policy.sac_config import SACConfig
from embodichain_rl.algorithms.off_policy.td3_config import TD3Config
from embodichain_rl.algorithms.ppo import PPOConfig
from embodichain_rl.config.checks import at_least, one_of, raise_problems
from embodichain_rl.config.runtime import RuntimeConfig
from embodichain_rl.config.sections import CheckpointConfig, EvalConfig, LoggingConfig
from embodichain_rl.envs.cart_pole.config import CartPoleConfig
from embodichain_rl.envs.point_mass.config import PointMassConfig
from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube_language.config import PushCubeLanguageConfig
from embodichain_rl.envs.push_cube_mujoco.config import PushCubeMuJoCoConfig
from embodichain_rl.policies.actor_critic_config import ActorCriticConfig
from embodichain_rl.policies.actor_only_config import ActorOnlyConfig
from embodichain_rl.policies.deterministic_actor_critic_config import (
    DeterministicActorCriticConfig,
)
from embodichain_rl.policies.squashed_gaussian_config import SquashedGaussianActorCriticConfig
from embodichain_rl.policies.vla.config import VLAConfig


@dataclass
class PushCubeEnvConfig(PushCubeConfig):
    """``env=push_cube``: the built-in batched PushCube task."""

    _target_: str = "embodichain_rl.envs.make_env"
    env_id: str = "PushCubeRL"
    """Registered env id (``@register_env``)."""
    num_envs: int = 2048
    """Parallel training envs on the run's device (>= 1)."""
    max_episode_steps: int = 100
    """Episode time limit in control steps (EmbodiChain's ``episode_length``); >= 1."""

    def __post_init__(self) -> None:
        raise_problems("env", at_least(self, 1, "num_envs", "max_episode_steps"))
        self.validate()


@dataclass
class PushCubeLanguageEnvConfig(PushCubeLanguageConfig):
    """``env=push_cube_language``: PushCube with coloured discs and an instruction."""

    _target_: str = "embodichain_rl.envs.make_env"
    env_id: str = "PushCubeLanguage"
    """Registered env id (``@register_env``)."""
    num_envs: int = 256
    """Parallel training envs on the run's device (>= 1)."""
    max_episode_steps: int = 100
    """Episode time limit in control steps (sub-steps of a chunk); >= 1."""

    def __post_init__(self) -> None:
        raise_problems("env", at_least(self, 1, "num_envs", "max_episode_steps"))
        self.validate()


@dataclass
class PushCubeMuJoCoEnvConfig(PushCubeMuJoCoConfig):
    """``env=push_cube_mujoco``: the PushCube task on MuJoCo / MuJoCo Warp."""

    _target_: str = "embodichain_rl.envs.make_env"
    env_id: str = "PushCubeMuJoCo"
    """Registered env id (``@register_env``)."""
    num_envs: int = 256
    """Parallel training envs (>= 1); MuJoCo steps them on its worker threads."""
    max_episode_steps: int = 100
    """Episode time limit in control steps; >= 1."""

    def __post_init__(self) -> None:
        raise_problems("env", at_least(self, 1, "num_envs", "max_episode_steps"))
        self.validate()

    def device_problem(self, device: Any) -> str | None:
        """Why this env cannot run on the run's ``device`` (a missing engine package, or a
        device the engine cannot use), or ``None``."""
        from embodichain_rl.envs.push_cube_mujoco.engines import engine_problem

        return engine_problem(self.backend, device)


@dataclass
class PointMassEnvConfig(PointMassConfig):
    """``env=point_mass``: EmbodiChain's differentiable PointMass task (``PointMassRL``)."""

    _target_: str = "embodichain_rl.envs.make_env"
    env_id: str = "PointMassRL"
    """Registered env id (``@register_env``)."""
    num_envs: int = 64
    """Parallel training envs on the run's device (>= 1)."""
    max_episode_steps: int = 100
    """Episode time limit in control steps; >= 1."""

    def __post_init__(self) -> None:
        raise_problems("env", at_least(self, 1, "num_envs", "max_episode_steps"))
        self.validate()


@dataclass
class CartPoleEnvConfig(CartPoleConfig):
    """``env=cart_pole``: EmbodiChain's CartPole balancing task (``CartPoleRL``)."""

    _target_: str = "embodichain_rl.envs.make_env"
    env_id: str = "CartPoleRL"
    """Registered env id (``@register_env``)."""
    num_envs: int = 256
    """Parallel training envs on the run's device (>= 1)."""
    max_episode_steps: int = 500
    """Episode time limit in control steps (EmbodiChain's 500, 20 s at 25 Hz); >= 1."""

    def __post_init__(self) -> None:
        problems = at_least(self, 1, "num_envs", "max_episode_steps") + self.problems()
        raise_problems("env", problems)


@dataclass
class GymEnvConfig:
    """``env=gym``: any Gymnasium id, vectorised by Gymnasium and bridged to torch."""

    _target_: str = "embodichain_rl.envs.gym_adapter.GymnasiumEnv"
    gym_id: str = "Pendulum-v1"
    """Gymnasium id passed to ``gymnasium.make_vec``."""
    num_envs: int = 16
    """Parallel envs (>= 1)."""
    max_episode_steps: int | None = None
    """Time limit override (null: the id's registered limit)."""
    vectorization: str = "sync"
    """Gymnasium vectorisation: sync (one process) or async (one process per env)."""
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    """Extra keyword arguments for the Gymnasium env constructor."""

    def __post_init__(self) -> None:
        problems = at_least(self, 1, "num_envs")
        if self.max_episode_steps is not None:
            problems += at_least(self, 1, "max_episode_steps")
        problems += one_of(self, "vectorization", ("sync", "async"))
        raise_problems("env", problems)


@dataclass
class ActorCriticSchema(ActorCriticConfig):
    """``policy=actor_critic``: Gaussian (Box) or categorical (discrete) MLP actor and MLP
    critic; every option and default lives in ``ActorCriticConfig``."""

    _target_: str = "embodichain_rl.policies.ActorCritic"


@dataclass
class PPOAlgorithmConfig(PPOConfig):
    """``algorithm=ppo``: PPO-clip with GAE."""

    _target_: str = "embodichain_rl.algorithms.PPO"


@dataclass
class SACActorCriticSchema(SquashedGaussianActorCriticConfig):
    """``policy=sac_actor_critic``: tanh-squashed Gaussian actor and twin Q critics (SAC);
    every option and default lives in ``SquashedGaussianActorCriticConfig``."""

    _target_: str = "embodichain_rl.policies.squashed_gaussian.SquashedGaussianActorCritic"


@dataclass
class SACAlgorithmConfig(SACConfig):
    """``algorithm=sac``: soft actor-critic with a replay buffer (FastSAC knobs)."""

    _target_: str = "embodichain_rl.algorithms.off_policy.sac.SAC"


@dataclass
class TD3ActorCriticSchema(DeterministicActorCriticConfig):
    """``policy=td3_actor_critic``: deterministic tanh actor and twin Q critics (TD3);
    every option and default lives in ``DeterministicActorCriticConfig``."""

    _target_: str = "embodichain_rl.policies.deterministic_actor_critic.DeterministicActorCritic"


@dataclass
class TD3AlgorithmConfig(TD3Config):
    """``algorithm=td3``: TD3 with a replay buffer (FastTD3 knobs); every default lives in
    ``TD3Config``."""

    _target_: str = "embodichain_rl.algorithms.off_policy.td3.TD3"


@dataclass
class APGAlgorithmConfig(APGConfig):
    """``algorithm=apg``: analytic policy gradients through a differentiable env."""

    _target_: str = "embodichain_rl.algorithms.APG"


@dataclass
class ActorOnlySchema(ActorOnlyConfig):
    """``policy=actor_only``: Gaussian MLP actor without a critic (GRPO, APG); every option
    and default lives in ``ActorOnlyConfig``."""

    _target_: str = "embodichain_rl.policies.ActorOnly"


@dataclass
class VLASchema(VLAConfig):
    """``policy=vla``: a transformers vision-language-action model with action tokens; every
    option and default lives in ``VLAConfig``."""

    _target_: str = "embodichain_rl.policies.VLAPolicy"


@dataclass
class GRPOAlgorithmConfig(GRPOConfig):
    """``algorithm=grpo``: critic-free group-relative policy optimisation; every default
    lives in ``GRPOConfig``."""

    _target_: str = "embodichain_rl.algorithms.GRPO"


@dataclass
class BCAlgorithmConfig(BCConfig):
    """``algorithm=bc``: behaviour cloning from the env's scripted expert; every default
    lives in ``BCConfig``."""

    _target_: str = "embodichain_rl.algorithms.BC"


@dataclass
class TrainConfig:
    """The whole training config: the run's sections plus one option of each group."""

    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    """Name, seed, device and budget of the run."""
    eval: EvalConfig = field(default_factory=EvalConfig)
    """When and how the policy is evaluated (and ``best.pt`` chosen)."""
    checkpoint: CheckpointConfig = field(default_factory=CheckpointConfig)
    """What is written under ``checkpoints/`` and when."""
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    """Metric sinks and console output."""
    callbacks: dict[str, Any] = field(default_factory=dict)
    """User callbacks by name, each a ``_target_`` node (see ``embodichain_rl.callbacks``)."""
    env: Any = MISSING
    policy: Any = MISSING
    algorithm: Any = MISSING


GROUP_SCHEMAS: dict[str, dict[str, type]] = {
    "env": {
        "cart_pole": CartPoleEnvConfig,
        "push_cube": PushCubeEnvConfig,
        "push_cube_mujoco": PushCubeMuJoCoEnvConfig,
        "push_cube_language": PushCubeLanguageEnvConfig,
        "point_mass": PointMassEnvConfig,
        "gym": GymEnvConfig,
    },
    "policy": {
        "actor_critic": ActorCriticSchema,
        "sac_actor_critic": SACActorCriticSchema,
        "td3_actor_critic": TD3ActorCriticSchema,
        "actor_only": ActorOnlySchema,
        "vla": VLASchema,
    },
    "algorithm": {
        "ppo": PPOAlgorithmConfig,
        "sac": SACAlgorithmConfig,
        "td3": TD3AlgorithmConfig,
        "apg": APGAlgorithmConfig,
        "grpo": GRPOAlgorithmConfig,
        "bc": BCAlgorithmConfig,
    },
}
"""Schema of every group option, by group and option name."""


def register_configs() -> None:
    """Store the schemas in Hydra's ConfigStore (idempotent)."""
    store = ConfigStore.instance()
    store.store(name="train_schema", node=TrainConfig)
    for group, options in GROUP_SCHEMAS.items():
        for name, schema in options.items():
            store.store(group=f"schema/{group}", name=name, node=schema, package=group)
