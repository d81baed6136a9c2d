"""PPO on dict observations: the rollout buffer keeps images as uint8 and gathers every key
with the same rows, the first minibatch has ratio 1, the normaliser folds in the state keys'
rollout moments (never the image), and the time-limit bootstrap reads the final dict
observation."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.algorithms import PPO
from embodichain_rl.buffer import RolloutBuffer
from embodichain_rl.envs import make_env
from embodichain_rl.policies import ActorCritic, policy_space_kwargs
from embodichain_rl.utils.observations import observation_layout

T, N, SIDE = 6, 8, 36
CAMERA = {"width": SIDE, "height": SIDE}
ENCODER = {
    "type": "nature_cnn",
    "nature_channels": [4, 8, 8],
    "features": 16,
    "state_hidden_sizes": [8],
}
NET = {"hidden_sizes": [16]}


def _dict_space() -> gym.spaces.Dict:
    return gym.spaces.Dict(
        {
            "rgb": gym.spaces.Box(0, 255, (3, 2, 2), np.uint8),
            "state": gym.spaces.Box(-np.inf, np.inf, (2,), np.float32),
        }
    )


def test_buffer_stores_uint8_images_and_gathers_every_key_with_the_same_rows() -> None:
    buffer = RolloutBuffer(
        num_steps=2, num_envs=3, obs_dim=_dict_space(), action_dim=1, device="cpu"
    )
    assert buffer.obs["rgb"].dtype == torch.uint8 and buffer.obs["rgb"].shape == (2, 3, 3, 2, 2)
    for t in range(2):
        k = torch.arange(3) + 3 * t  # sample id
        image = (k * 40).to(torch.uint8)[:, None, None, None].expand(3, 3, 2, 2)
        state = torch.stack([k.float(), -k.float()], 1)
        buffer.add(
            obs={"rgb": image, "state": state},
            actions=k[:, None].float(),
            log_probs=k.float(),
            rewards=k.float(),
            dones=torch.zeros(3),
            values=k.float(),
        )
    generator = torch.Generator().manual_seed(0)
    (batch,) = list(buffer.minibatches(6, generator=generator))
    ids = batch["actions"][:, 0]
    assert sorted(ids.tolist()) == [0, 1, 2, 3, 4, 5]
    assert batch["obs"]["rgb"].dtype == torch.uint8
    assert torch.equal(batch["obs"]["rgb"][:, 0, 0, 0].float(), ids * 40)
    assert torch.equal(batch["obs"]["state"][:, 1], -ids)


def _pixel_ppo(**ppo_kwargs: object) -> tuple[PPO, ActorCritic, object]:
    torch.manual_seed(0)
    env = make_env(
        "PushCubeRL", num_envs=N, obs_mode="rgb_state", control_mode="ee_delta_pos", camera=CAMERA
    )
    policy = ActorCritic(
        **policy_space_kwargs(env),
        encoder=ENCODER,
        actor=NET,
        critic=NET,
        critic_obs=["privileged"],
        normalize_obs=True,
    )
    algo = PPO(policy=policy, device="cpu", **ppo_kwargs)
    algo.initialize_buffer(T, N, observation_layout(env), env.action_dim)
    return algo, policy, env


def test_first_minibatch_has_ratio_one_and_statistics_are_the_state_keys_moments() -> None:
    algo, policy, env = _pixel_ppo(n_epochs=1, num_minibatches=1)
    normalizer = policy.observation_normalizer()
    assert normalizer is not None and set(normalizer.normalized_keys) == {"state", "privileged"}
    obs, _ = env.reset(seed=0)
    obs = algo.collect_rollout(env, obs)
    buffer = algo.buffer
    assert buffer is not None and buffer.obs["rgb"].dtype == torch.uint8
    metrics = algo.update()
    assert metrics["approx_kl"].item() == 0.0 and metrics["clipfrac"].item() == 0.0
    for key in ("state", "privileged"):
        rows = buffer.obs[key].reshape(T * N, -1).double()
        stats = normalizer.normalizers[key]
        torch.testing.assert_close(stats.mean.double(), rows.mean(0), atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(
            stats.var.double(), rows.var(0, unbiased=False), atol=1e-5, rtol=1e-4
        )
        assert float(stats.count) == T * N
    assert "rgb" not in normalizer.normalized_keys


def test_time_limit_bootstrap_uses_the_final_dict_observation() -> None:
    algo, policy, env = _pixel_ppo(gamma=0.9, normalize_reward=False)
    env.max_episode_steps = 3  # every env hits the time limit at step 3 of the 6
    obs, _ = env.reset(seed=1)
    raw_rewards: list[torch.Tensor] = []
    finals: list[dict[str, torch.Tensor]] = []

    def on_step(reward: torch.Tensor, terminated, truncated, info) -> None:
        raw_rewards.append(reward.clone())
        finals.append({key: value.clone() for key, value in info["final_obs"].items()})

    algo.collect_rollout(env, obs, on_step=on_step)
    buffer = algo.buffer
    assert buffer is not None
    cut = 2  # step index 2 is the 3rd step: the time limit (nothing succeeds this early)
    with torch.no_grad():
        expected = raw_rewards[cut] + 0.9 * policy.get_value(finals[cut])
    torch.testing.assert_close(buffer.rewards[cut], expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(buffer.rewards[1], raw_rewards[1])
