"""Honest log-probabilities end to end: a VLA rollout on PushCubeLanguage stores
log-probs that PPO's and GRPO's first minibatch reproduce exactly (ratio 1, KL 0)."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("transformers")

from embodichain_rl.algorithms import GRPO, PPO
from embodichain_rl.envs import make_env
from embodichain_rl.policies.vla import VLAPolicy
from embodichain_rl.trainer.build import policy_spec_of
from embodichain_rl.utils.observations import observation_layout

TINY = {"hidden_size": 32, "intermediate_size": 64, "vision_hidden_size": 32}
TINY |= {"vision_intermediate_size": 64, "patch_size": 8, "num_heads": 2, "vision_heads": 2}


def rollout_parts(critic: str):
    torch.manual_seed(0)
    env = make_env(
        "PushCubeLanguage", num_envs=8, camera={"width": 24, "height": 24}, action_chunk=2
    )
    spec = policy_spec_of(env, {"_target_": "embodichain_rl.policies.VLAPolicy"})
    policy = VLAPolicy(**spec, tiny=TINY, action_bins=32, critic=critic)
    return env, policy


def first_batch(algorithm, env, steps: int = 4):
    algorithm.initialize_buffer(steps, env.num_envs, observation_layout(env), env.action_dim)
    obs, _ = env.reset(seed=3)
    algorithm.collect_rollout(env, obs)
    assert algorithm.buffer is not None
    generator = torch.Generator().manual_seed(0)
    return next(algorithm.buffer.minibatches(16, generator=generator))


def test_ppo_first_minibatch_has_ratio_one_and_zero_kl() -> None:
    env, policy = rollout_parts("pooled")
    ppo = PPO(policy=policy, device="cpu", num_minibatches=2, n_epochs=1)
    batch = first_batch(ppo, env)
    log_probs, _, _ = policy.evaluate_actions(batch["obs"], batch["actions"])
    ratio = (log_probs - batch["log_probs"]).exp()
    assert torch.allclose(ratio, torch.ones_like(ratio), atol=1e-5)
    _, terms = ppo._minibatch_loss(
        batch["obs"],
        batch["actions"],
        batch["log_probs"],
        batch["advantages"],
        batch["values"],
        batch["returns"],
    )
    names = ["policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac"]
    metrics = dict(zip(names, terms.tolist(), strict=False))
    assert abs(metrics["approx_kl"]) < 1e-6
    assert metrics["clipfrac"] == 0.0


def test_grpo_first_minibatch_has_ratio_one_and_zero_kl() -> None:
    env, policy = rollout_parts("none")
    grpo = GRPO(policy=policy, device="cpu", group_size=4, batch_size=16, kl_coef=0.1)
    batch = first_batch(grpo, env)
    terms = grpo._minibatch_loss(batch)
    assert abs(float(terms.approx_kl)) < 1e-6
    assert float(terms.clipfrac) == 0.0
    assert abs(float(terms.ref_kl.detach())) < 1e-6
    log_probs, _, _ = policy.evaluate_actions(batch["obs"], batch["actions"])
    assert torch.allclose(log_probs, batch["log_probs"], atol=1e-5)


def test_grpo_per_token_parts_reproduce_the_rollout_log_probs() -> None:
    env, policy = rollout_parts("none")
    grpo = GRPO(
        policy=policy, device="cpu", group_size=4, batch_size=16, kl_coef=0.1, ratio="per_token"
    )
    first_batch(grpo, env)
    assert grpo.buffer is not None
    grpo.buffer.set_extras(part_log_probs=grpo._rollout_part_log_probs())
    batch = next(grpo.buffer.minibatches(16, generator=torch.Generator().manual_seed(0)))
    parts = batch["part_log_probs"]
    assert parts.shape == (16, env.action_dim)
    torch.testing.assert_close(parts.sum(-1), batch["log_probs"], atol=1e-5, rtol=0)
    terms = grpo._minibatch_loss(batch)
    assert abs(float(terms.approx_kl)) < 1e-6
    assert float(terms.clipfrac) == 0.0
    assert abs(float(terms.ref_kl.detach())) < 1e-6
