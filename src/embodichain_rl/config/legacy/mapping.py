"""The legacy key table: which JSON keys mean which config field, and what is ignored."""

from __future__ import annotations

SECTIONS_DOCUMENTED = ("runtime", "env", "policy", "algorithm")
"""Top-level sections of the documented shape."""

SECTIONS_REPO = ("trainer", "policy", "algorithm")
"""Top-level sections of the shape EmbodiChain's repository shipped."""

TOP_LEVEL = ("runtime", "trainer", "env", "policy", "algorithm")
"""Every top-level key a train config may have (``runtime`` and ``trainer`` exclusive)."""

TRAINER_ONLY = ("gym_config", "learning_env")
"""Keys of ``trainer`` beyond the runtime fields that name the env: ``gym_config`` (the env
file) or ``learning_env`` (``{name, cfg}``: a registered env id and its parameters)."""

HEAD_TRAINER_KEYS = (
    "num_envs",
    "buffer_size",
    "enable_eval",
    "num_eval_envs",
    "num_eval_episodes",
    "eval_seed",
    "best_eval_metric",
    "best_eval_mode",
    "gpu_id",
    "renderer",
    "segment_length",
    "update_horizon",
    "save_frequency_updates",
)
"""``trainer`` keys of EmbodiChain's newest release. A trainer with any of them (or with
``learning_env``) is read with that release's meanings: ``eval_freq`` / ``save_freq`` count
env steps, and evaluation is off unless ``enable_eval`` is true."""

HEAD_TRAINER_TYPES: dict[str, type] = {
    "num_envs": int,
    "buffer_size": int,
    "enable_eval": bool,
    "num_eval_envs": int,
    "num_eval_episodes": int,
    "eval_seed": int,
    "best_eval_metric": str,
    "best_eval_mode": str,
    "gpu_id": int,
    "renderer": str,
    "segment_length": int,
    "update_horizon": int,
    "save_frequency_updates": int,
}
"""The JSON type of every ``HEAD_TRAINER_KEYS`` entry."""

IGNORED_HEAD_TRAINER = ("num_eval_envs", "gpu_id", "renderer")
"""Newest-release trainer keys with no counterpart: how many eval envs step in parallel (every
eval episode here has its own env), the simulator's GPU and its renderer."""

BEST_EVAL_METRICS: dict[str, str] = {
    "eval/success_rate": "success_rate",
    "eval/avg_reward": "episode_return",
    "eval/avg_length": "episode_length",
}
"""EmbodiChain's ``best_eval_metric`` names -> ``eval.best_metric``."""

APG_ONLY_TRAINER = ("segment_length", "update_horizon", "save_frequency_updates")
"""Trainer keys only EmbodiChain's differentiable (APG) trainer reads; ignored otherwise."""

APG_IGNORED_TRAINER = ("buffer_size", "save_freq")
"""Trainer keys EmbodiChain's differentiable (APG) trainer does not read."""

TASK_ALIASES: dict[str, str] = {
    "episode_length": "max_episode_steps",
    "sim_steps_per_control": "sim_substeps",
    "reaching_reward_weight": "reaching_weight",
    "place_reward_weight": "place_weight",
    "place_penalty_reward_weight": "place_penalty_weight",
    "action_penalty_reward_weight": "action_penalty_weight",
    "success_bonus_weight": "success_bonus",
    "success_reward": "success_bonus",
}
"""Legacy task keys (``env.cfg`` / ``env.extensions``) -> env option field."""

TASK_EXCLUDED = ("env_id", "gym_id")
"""Env option fields a task section may not set (the id comes from ``id``)."""

POLICY_NETWORKS = ("actor", "critic")
"""Network sections of a policy: ``type``, ``hidden_sizes``, ``activation``, either flat or
nested under ``network_cfg`` (the repository shape)."""

IGNORED_RUNTIME = ("events",)
"""``runtime``/``trainer`` keys with no counterpart (EmbodiChain's event hooks)."""

IGNORED_GYM_TOP = (
    "max_episodes",
    "robot",
    "sensor",
    "light",
    "background",
    "rigid_object",
    "rigid_object_group",
    "articulation",
)
"""Gym-file top-level keys describing the original simulator's scene or run loop."""

IGNORED_GYM_ENV = ("events", "observations")
"""Gym-file ``env`` keys describing the original simulator's scene."""

GYM_TOP_FIELDS = ("max_episode_steps",)
"""Gym-file top-level keys that are env option fields (the episode time limit)."""

MANAGER_SECTIONS = ("rewards", "actions")
"""Gym-file ``env`` sections of functor terms (``{term: {func, weight, params}}``)."""

MANAGER_FIELDS: dict[str, tuple[str, str]] = {
    "DeltaQposTerm": ("params.scale", "action_scale"),
    "joint_velocity_penalty": ("weight", "velocity_penalty_weight"),
    "success_reward": ("weight", "success_bonus"),
}
"""Functor name -> (the term's key, the env field it sets) where the term means a field the
chosen env option has: the joint-target step per unit action, the weight of the (pole) joint
velocity penalty, the success bonus. Every other term is ignored and listed."""

IGNORED_WITHOUT_FIELD = ("sim_steps_per_control",)
"""Task keys ignored (listed in the warning) when the chosen env option has no field for them."""

DEVICE_MEANS_CUDA = ("cuda", "cuda:0")
"""Legacy ``device`` strings meaning "the GPU": mapped to ``runtime.cuda=true`` so the file
still runs (with a loud warning) where no GPU exists; other devices are kept verbatim."""

OPTIMIZER_BLOCK = ("name", "learning_rate", "kwargs")
"""Keys of EmbodiChain's ``algorithm.cfg.optimizer`` block."""

EMBODICHAIN_LEARNING_RATE = 3e-4
"""EmbodiChain's ``optimizer.learning_rate`` default, for a block that does not give one."""

LR_SCHEDULER_BLOCK = ("name", "kwargs")
"""Keys of EmbodiChain's ``algorithm.cfg.lr_scheduler`` block."""

LR_SCHEDULER_KWARGS: dict[str, tuple[str, ...]] = {
    "linear": ("start_factor", "end_factor", "total_iters"),
    "cosine": ("T_max", "eta_min"),
    "step": ("step_size", "gamma"),
    "exponential": ("gamma",),
}
"""EmbodiChain's schedule names and the ``kwargs`` each one takes (torch's names)."""

LR_KWARG_FIELDS: dict[str, str] = {
    "end_factor": "lr_scheduler.end_factor",
    "step_size": "lr_scheduler.step_size",
    "gamma": "lr_scheduler.gamma",
    "total_iters": "total_updates",
    "T_max": "total_updates",
}
"""Schedule kwargs -> algorithm key (``eta_min`` becomes ``lr_scheduler.min_factor`` =
eta_min / learning_rate; ``start_factor`` must be 1)."""
