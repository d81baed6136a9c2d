"""The VLA reads its instruction, on a CI budget: behaviour cloning into a tiny VLA on the
CI-sized language task (reach the named one of two coloured discs), then the clone is
scored with the true instruction and with the other disc's colour named instead.

The variant: ``env=push_cube_language`` with ``task=reach``, two discs whose colours keep
their slots (``shuffle_colours=false``: the instruction tells which side, the 24 x 24 image
where the disc is), ee control in chunks of 4 moves; a VLA with 32-wide decoder and vision
tower, 16 action bins; BC of the scripted expert, 6 iterations of 128 envs x 8 decisions.

An instruction-blind policy reaches the named disc in at most about half of the episodes
(docs/push_cube_language.md: 0.55 for the expert aimed at a random disc, 0.47 at slot 0); one
that reads the instruction succeeds far more often, and naming the other colour sends it to
the other disc.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

pytest.importorskip("transformers")

from embodichain_rl.trainer.restore import restore_policy
from embodichain_rl.trainer.run import run
from tests.vla_tiny import TINY_VLA_OVERRIDES

BLIND_CAP = 0.55
"""The best an instruction-blind policy does (the expert aimed at a random disc)."""

CI_LANGUAGE_TASK = [
    "+experiment=push_cube_language_vla_bc",
    "env.task=reach",
    "env.shuffle_colours=false",
    "env.num_envs=128",
    *TINY_VLA_OVERRIDES,
    "algorithm.learning_rate=1e-3",
    "algorithm.n_epochs=4",
    "runtime.iterations=6",
    "runtime.torch_threads=1",
    "runtime.seed=0",
    "eval.freq=0",
    "logging.progress_bar=false",
]


def success_rate(run_dir: Path, *, swap_instruction: bool, episodes: int = 128) -> float:
    """First-episode success of the deterministic clone from held-out starts, naming the
    target's colour (or, with ``swap_instruction``, the other disc's)."""
    restored = restore_policy(run_dir, device=torch.device("cpu"), num_envs=episodes)
    env, policy = restored.env, restored.policy
    obs, _ = env.reset(seed=4321)
    other_colour = env.disc_colours.gather(1, (1 - env.target)[:, None])[:, 0]
    colour_word = torch.tensor([env.instruction_vocabulary.index(c) for c in COLOURS])
    succeeded = torch.zeros(episodes, dtype=torch.bool)
    ended = torch.zeros(episodes, dtype=torch.bool)
    with torch.no_grad():
        for _ in range(25):
            if swap_instruction:
                words = obs["instruction"]
                is_colour = (words[..., None] == colour_word).any(-1)
                replaced = colour_word[other_colour][:, None].expand_as(words)
                obs = {**obs, "instruction": torch.where(is_colour, replaced, words)}
            obs, _, terminated, truncated, info = env.step(policy.act_deterministic(obs))
            succeeded |= ~ended & info["metrics"]["success"]
            ended |= terminated | truncated
    return float(succeeded.float().mean())


COLOURS = ("red", "blue", "green", "yellow")
"""The env's colour words, in colour-id order."""


def test_the_cloned_vla_goes_where_the_instruction_says(tmp_path: Path) -> None:
    from hydra import compose, initialize_config_module

    from embodichain_rl.config import register_configs

    register_configs()
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        run(compose("train", CI_LANGUAGE_TASK), tmp_path)
    assert (tmp_path / "checkpoints" / "pretrained" / "config.json").is_file()
    named = success_rate(tmp_path, swap_instruction=False)
    swapped = success_rate(tmp_path, swap_instruction=True)
    assert named > BLIND_CAP + 0.25, (named, swapped)
    assert swapped < 1.0 - BLIND_CAP - 0.15, (named, swapped)
