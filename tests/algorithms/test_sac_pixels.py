"""SAC from dict (camera) observations, DrQ-style: the critic loss trains the shared
encoder, the actor loss leaves it alone, the target critics Polyak-average their own copy,
batches are shifted before the update, the preflight names a bad pairing, and a pixel run
through the Trainer resumes bit-identically with its dict replay buffer."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl import Trainer
from embodichain_rl.algorithms.off_policy.sac import SAC
from embodichain_rl.policies.squashed_gaussian import SquashedGaussianActorCritic
from embodichain_rl.trainer.checkpoint import load_checkpoint
from tests.algorithms.test_sac_resume import _learn

SHAPES = {"rgb": [3, 36, 36], "state": [5], "privileged": [9]}
SPACE = gym.spaces.Dict(
    {
        "rgb": gym.spaces.Box(0, 255, (3, 36, 36), np.uint8),
        "state": gym.spaces.Box(-np.inf, np.inf, (5,), np.float32),
        "privileged": gym.spaces.Box(-np.inf, np.inf, (9,), np.float32),
    }
)
ENCODER = {"type": "nature_cnn", "nature_channels": [4, 8, 8], "features": 16}
TAU = 0.1


def _sac(augmentation: str = "none", **policy: object) -> SAC:
    torch.manual_seed(0)
    net = {"hidden_sizes": [16]}
    pi = SquashedGaussianActorCritic(
        obs_dim=None, obs_shapes=SHAPES, action_dim=2, encoder=ENCODER, actor=net, critic=net,
        **policy,
    )  # fmt: skip
    sac = SAC(
        policy=pi, device="cpu", batch_size=8, learning_starts=8, buffer_size=64, tau=TAU,
        augmentation=augmentation, seed=0,
    )  # fmt: skip
    sac.initialize_buffer(1, 4, SPACE, 2)
    generator = torch.Generator().manual_seed(1)
    for _ in range(4):
        obs = {
            "rgb": torch.randint(0, 256, (4, 3, 36, 36), dtype=torch.uint8, generator=generator),
            "state": torch.randn(4, 5, generator=generator),
            "privileged": torch.randn(4, 9, generator=generator),
        }
        assert sac.buffer is not None
        sac.buffer.add(
            obs, torch.rand(4, 2, generator=generator) * 2 - 1, torch.randn(4, generator=generator),
            {k: v.flip(0) for k, v in obs.items()}, torch.zeros(4, dtype=torch.bool),
            torch.zeros(4, dtype=torch.bool),
        )  # fmt: skip
    return sac


def _encoder_params(sac: SAC) -> list[torch.Tensor]:
    return list(sac.policy.critic.encoder.parameters())  # type: ignore[union-attr]


def test_shared_encoder_lives_in_the_critic() -> None:
    sac = _sac()
    policy = sac.policy
    assert policy.actor_encoder is None and policy.acting_observation_keys() == ["rgb", "state"]
    encoder_ids = {id(p) for p in _encoder_params(sac)}
    assert not encoder_ids & {id(p) for p in policy.actor_parameters()}
    assert encoder_ids <= {id(p) for g in sac.critic_optimizer.param_groups for p in g["params"]}
    assert policy.observation_normalizer().normalized_keys == ["state"]


def test_critic_loss_reaches_the_encoder_actor_loss_does_not() -> None:
    sac = _sac()
    assert sac.buffer is not None
    batch = sac.buffer.sample(8, generator=sac.generator)
    noise = torch.randn(8, 2)
    critic_loss, *_ = sac._critic_loss(
        batch.obs, batch.actions, batch.rewards, batch.bootstrap, batch.next_obs, noise
    )
    critic_loss.backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in _encoder_params(sac))
    sac.policy.zero_grad(set_to_none=True)
    actor_loss, _ = sac._actor_loss(batch.obs, noise)
    actor_loss.backward()  # into every leaf: the encoder must still get nothing
    assert all(p.grad is None for p in _encoder_params(sac))
    assert all(p.grad is not None for p in sac.policy.actor.parameters())


def test_target_encoder_is_polyak_averaged() -> None:
    sac = _sac()
    before = [p.detach().clone() for p in _encoder_params(sac)]
    target_encoder = sac.target_critic.encoder  # type: ignore[union-attr]
    assert all(torch.equal(t, b) for t, b in zip(target_encoder.parameters(), before, strict=True))
    assert sac.buffer is not None
    sac._train_step(sac.buffer.sample(8, generator=sac.generator), 0)
    after = [p.detach() for p in _encoder_params(sac)]
    assert any(not torch.equal(a, b) for a, b in zip(after, before, strict=True))
    for target, old, new in zip(target_encoder.parameters(), before, after, strict=True):
        torch.testing.assert_close(target, (1 - TAU) * old + TAU * new)


def test_asymmetric_critic_gives_the_actor_its_own_encoder() -> None:
    sac = _sac(critic_obs=["privileged"])
    policy = sac.policy
    assert policy.actor_encoder is not None and policy.actor_encoder.cnn is not None
    assert policy.critic.encoder.cnn is None  # type: ignore[union-attr]
    actor_ids = {id(p) for p in policy.actor_parameters()}
    assert {id(p) for p in policy.actor_encoder.parameters()} <= actor_ids
    assert sac.buffer is not None
    before = [p.detach().clone() for p in policy.actor_encoder.parameters()]
    sac._train_step(sac.buffer.sample(8, generator=sac.generator), 0)
    moved = [p for p, b in zip(policy.actor_encoder.parameters(), before, strict=True)]
    assert any(not torch.equal(p, b) for p, b in zip(moved, before, strict=True))


def test_random_shift_moves_obs_and_next_obs_independently() -> None:
    sac = _sac("random_shift")
    assert sac.buffer is not None
    batch = sac.buffer.sample(8, generator=sac.generator)
    shifted = sac.augment(batch)
    assert shifted.obs["state"] is batch.obs["state"]  # type: ignore[index]
    assert shifted.obs["rgb"].dtype == torch.uint8  # type: ignore[index]
    assert not torch.equal(shifted.obs["rgb"], batch.obs["rgb"])  # type: ignore[index]
    assert not torch.equal(shifted.next_obs["rgb"], batch.next_obs["rgb"])  # type: ignore[index]
    assert sac._train_step(batch, 0)["critic_loss"].isfinite()


def test_random_shift_needs_an_image() -> None:
    torch.manual_seed(0)
    pi = SquashedGaussianActorCritic(obs_dim=3, action_dim=1)
    sac = SAC(policy=pi, device="cpu", augmentation="random_shift", batch_size=8,
              learning_starts=8, buffer_size=64)  # fmt: skip
    with pytest.raises(ValueError, match=r"algorithm\.augmentation=random_shift"):
        sac.initialize_buffer(1, 4, 3, 1)
    with pytest.raises(ValueError, match="augmentation must be one of"):
        SAC(policy=pi, device="cpu", augmentation="crop")


def test_preflight_names_a_missing_encoder() -> None:
    from hydra import compose, initialize_config_module

    from embodichain_rl.config import register_configs
    from embodichain_rl.trainer.observation_check import observation_problem

    register_configs()
    base = ["+experiment=push_cube_rgb_sac", "env.camera.width=40", "env.camera.height=40"]
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        assert observation_problem(compose("train", base)) is None
        missing = observation_problem(compose("train", [*base, "policy.encoder.type=none"]))
        small = observation_problem(compose("train", [*base, "env.camera.width=32"]))
        pixels = ["env.obs_mode=rgb", "env.camera.width=40", "env.camera.height=40"]
        td3 = observation_problem(
            compose("train", [*pixels, "algorithm=td3", "policy=td3_actor_critic"])
        )
    assert missing is not None and "set policy.encoder.type to nature_cnn" in missing
    assert small is not None and "needs images of at least 36" in small
    assert td3 is not None and "algorithm=td3 learns from flat observations" in td3


TINY_RGB_SAC = [
    "+experiment=push_cube_rgb_sac",
    "env.num_envs=4",
    "env.max_episode_steps=5",
    "env.camera.width=36",
    "env.camera.height=36",
    "policy.encoder.nature_channels=[4,8,8]",
    "policy.encoder.features=16",
    "policy.encoder.state_hidden_sizes=[8]",
    "policy.actor.hidden_sizes=[16]",
    "policy.critic.hidden_sizes=[16]",
    "algorithm.batch_size=8",
    "algorithm.learning_starts=16",  # the warm-up ends inside the first half
    "algorithm.buffer_size=200",
    "algorithm.save_replay_buffer=true",
    "runtime.rollout_steps=2",
    "runtime.device=cpu",
    "runtime.torch_threads=1",
    "eval.freq=3",
    "eval.num_envs=2",
    "logging.progress_bar=false",
]
"""4 envs x 2 steps per iteration, 36-px frames, a tiny CNN, random shifts on."""


def test_pixel_sac_resumes_bit_identically(tmp_path: Path) -> None:
    for name, iterations in (("one_go", 6), ("first", 3)):
        run_dir = f"hydra.run.dir={tmp_path / name}"
        _learn(Trainer.from_overrides([*TINY_RGB_SAC, f"runtime.iterations={iterations}", run_dir]))
    again_dir = tmp_path / "again"
    _learn(Trainer.load(tmp_path / "first", overrides=["runtime.iterations=6"], run_dir=again_dir))
    one_go, first, again = (
        load_checkpoint(tmp_path / name / "checkpoints" / "last.pt")
        for name in ("one_go", "first", "again")
    )
    saved = again["algorithm"]["replay_buffer"]
    assert saved["obs"]["rgb"].dtype == torch.uint8 and saved["filled_rows"] == 12
    assert one_go["policy"].keys() == again["policy"].keys()
    for key, value in one_go["policy"].items():
        assert torch.equal(value, again["policy"][key]), key
    encoder = [key for key in first["policy"] if key.startswith("critic.encoder.cnn")]
    assert encoder, "the critic owns the CNN"
    # Guard: the second half trained the encoder (else the equality above were vacuous).
    assert any(not torch.equal(first["policy"][k], again["policy"][k]) for k in encoder)
