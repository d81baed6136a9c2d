"""The legacy key table: which JSON keys mean which config field, and what is ignored."""

from __future__ import annotations

SECTIONS_DOCUMENTED = ("runtime", "env", "policy", "algorithm")
"""Top-level sections of the documented shape."""

SECTIONS_REPO = ("trainer", "policy", "algorithm")
"""Top-level sections of the shape EmbodiChain's repository shipped."""

TOP_LEVEL = ("runtime", "trainer", "env", "policy", "algorithm")
"""Every top-level key a train config may have (``runtime`` and ``trainer`` exclusive)."""

TRAINER_ONLY = ("gym_config",)
"""Keys of ``trainer`` beyond the runtime fields (``gym_config``: the env file)."""

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

IGNORED_WITHOUT_FIELD = ("sim_steps_per_control",)
"""Task keys ignored (listed in the warning) when the chosen env option has no field for them."""

DEVICE_MEANS_CUDA = ("cuda", "cuda:0")
"""Legacy ``device`` strings meaning "the GPU": mapped to ``runtime.cuda=true`` so the file
still runs (with a loud warning) where no GPU exists; other devices are kept verbatim."""
