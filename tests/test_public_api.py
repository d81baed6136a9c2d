"""The import paths the README and the issues promise."""

from __future__ import annotations

import embodichain_rl.algorithms as algorithms
import embodichain_rl.buffer as buffer
import embodichain_rl.config as config
import embodichain_rl.envs as envs
import embodichain_rl.policies as policies
import embodichain_rl.trainer as trainer


def test_documented_names_are_importable() -> None:
    expected = {
        envs: ["EmbodiedEnv", "register_env", "make_env", "GymnasiumEnv", "PushCubeEnv"],
        policies: ["Policy", "ActorCritic", "register_policy"],
        buffer: ["RolloutBuffer"],
        algorithms: ["BaseAlgorithm", "PPO", "register_algo"],
        trainer: ["Trainer"],
        config: ["load_json_config", "validate_config", "register_configs"],
    }
    missing = [
        f"{module.__name__}.{name}"
        for module, names in expected.items()
        for name in names
        if not hasattr(module, name)
    ]
    assert missing == []
