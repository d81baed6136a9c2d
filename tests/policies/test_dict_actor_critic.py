"""ActorCritic over dict observations: shared / separate / asymmetric encoders, gradients
through the CNN, per-key normalisation, the flat path unchanged, and a small supervised
check that the image really drives the actor."""

from __future__ import annotations

from types import SimpleNamespace

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl.policies import ActorCritic, policy_space_kwargs
from embodichain_rl.policies.dict_normalizer import DictNormalizer

SHAPES = {"rgb": [3, 36, 36], "state": [4], "privileged": [9]}
NET = {"hidden_sizes": [16], "activation": "tanh"}
ENC = {"type": "nature_cnn", "features": 16, "state_hidden_sizes": [8]}
N, ACT = 6, 2


def _policy(seed: int = 0, **options: object) -> ActorCritic:
    torch.manual_seed(seed)
    kwargs: dict[str, object] = {"actor": NET, "critic": NET, "encoder": ENC, **options}
    return ActorCritic(obs_dim=None, obs_shapes=SHAPES, action_dim=ACT, **kwargs)


def _obs(seed: int = 1) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return {
        "rgb": torch.randint(0, 256, (N, 3, 36, 36), dtype=torch.uint8, generator=gen),
        "state": torch.randn(N, 4, generator=gen),
        "privileged": torch.randn(N, 9, generator=gen),
    }


def _cnn_weight(encoder: torch.nn.Module | None) -> torch.Tensor:
    assert encoder is not None
    return next(m for m in encoder.modules() if isinstance(m, torch.nn.Conv2d)).weight


@pytest.mark.parametrize("share", [True, False])
def test_every_method_takes_the_dict_with_flat_shapes(share: bool) -> None:
    policy = _policy(encoder={**ENC, "share": share})
    assert (policy.critic_encoder is None) == share
    obs = _obs()
    action, log_prob, value = policy.get_action(obs)
    assert action.shape == (N, ACT) and log_prob.shape == value.shape == (N,)
    torch.testing.assert_close(policy.get_value(obs), value)
    lp, entropy, v = policy.evaluate_actions(obs, action)
    torch.testing.assert_close(lp, log_prob)
    assert entropy.shape == (N,)
    torch.testing.assert_close(v, value)
    mean = policy.act_deterministic(obs)
    torch.testing.assert_close(policy.get_action(obs, deterministic=True)[0], mean)
    assert policy.actor_encoder is not None
    torch.testing.assert_close(mean, policy.actor(policy.actor_encoder(obs)))
    cnns = [m for m in policy.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(cnns) == (3 if share else 6)


def test_asymmetric_critic_ignores_the_image_and_the_actor_does_not() -> None:
    policy = _policy(critic_obs=["privileged"])
    assert policy.critic_encoder is not None and policy.critic_encoder.keys == ["privileged"]
    assert policy.actor_encoder is not None
    assert policy.actor_encoder.keys == ["rgb", "state"]  # null actor_obs: all but privileged
    obs = _obs()
    other_image = {**obs, "rgb": _obs(seed=7)["rgb"]}
    torch.testing.assert_close(policy.get_value(other_image), policy.get_value(obs))
    assert not torch.allclose(policy.act_deterministic(other_image), policy.act_deterministic(obs))
    # The critic reads the privileged state only: a change there moves the value.
    other_state = {**obs, "privileged": obs["privileged"] + 1.0}
    assert not torch.allclose(policy.get_value(other_state), policy.get_value(obs))


def _ppo_loss(
    policy: ActorCritic, obs: dict[str, torch.Tensor], value_only: bool = False
) -> torch.Tensor:
    with torch.no_grad():
        actions, old_log_prob, _ = policy.get_action(obs)
    advantages, returns = torch.randn(N), torch.randn(N)
    log_prob, entropy, value = policy.evaluate_actions(obs, actions)
    value_loss = (returns - value).square().mean()
    if value_only:
        return value_loss
    ratio = torch.exp(log_prob - old_log_prob)
    clipped = torch.clamp(ratio, 0.8, 1.2) * advantages
    surrogate = -torch.min(ratio * advantages, clipped).mean()
    return surrogate + 0.5 * value_loss - 0.01 * entropy.mean()


def test_the_cnn_is_in_the_gradient_path_and_the_critic_trains_a_shared_encoder() -> None:
    policy = _policy()
    _ppo_loss(policy, _obs()).backward()
    grad = _cnn_weight(policy.actor_encoder).grad
    assert grad is not None and grad.abs().sum() > 0
    shared = _policy()
    _ppo_loss(shared, _obs(), value_only=True).backward()
    grad = _cnn_weight(shared.actor_encoder).grad
    assert grad is not None and grad.abs().sum() > 0
    separate = _policy(encoder={**ENC, "share": False})
    _ppo_loss(separate, _obs(), value_only=True).backward()
    assert _cnn_weight(separate.actor_encoder).grad is None
    critic_grad = _cnn_weight(separate.critic_encoder).grad
    assert critic_grad is not None and critic_grad.abs().sum() > 0


def test_normalize_obs_normalises_the_vector_keys_read_and_never_images() -> None:
    policy = _policy(normalize_obs=True, actor_obs=["rgb", "state"], critic_obs=["rgb"])
    normalizer = policy.observation_normalizer()
    assert isinstance(normalizer, DictNormalizer)
    assert normalizer.normalized_keys == ["state"]  # privileged is read by no one
    obs = _obs()
    before = policy.act_deterministic(obs)
    policy.update_normalization(obs)
    state = obs["state"]
    expected = (state - state.mean(0)) / state.var(0, unbiased=False).add(1e-8).sqrt()
    torch.testing.assert_close(normalizer(obs)["state"], expected)
    assert normalizer(obs)["rgb"] is obs["rgb"]
    assert not torch.allclose(policy.act_deterministic(obs), before)
    assert "obs_normalizer.normalizers.state.mean" in policy.state_dict()


def test_flat_actor_critic_keeps_its_parameter_names() -> None:
    torch.manual_seed(0)
    policy = ActorCritic(obs_dim=7, action_dim=3, normalize_obs=True, encoder={"type": "impala"})
    assert list(policy.state_dict()) == [
        "log_std",
        *(f"{net}.{i}.{p}" for net in ("actor", "critic") for i in (0, 2, 4)
          for p in ("weight", "bias")),
        "obs_normalizer.mean", "obs_normalizer.var", "obs_normalizer.count",
    ]  # fmt: skip
    assert policy.actor_encoder is None and policy.critic_encoder is None


def test_categorical_head_with_dict_observations() -> None:
    torch.manual_seed(0)
    policy = ActorCritic(
        obs_shapes=SHAPES, action_dim=2, action_nvec=[3, 4], actor=NET, critic=NET, encoder=ENC
    )
    obs = _obs()
    action, log_prob, _ = policy.get_action(obs)
    assert action.dtype == torch.int64 and action.shape == (N, 2)
    assert bool((action[:, 0] < 3).all()) and bool((action[:, 1] < 4).all())
    torch.testing.assert_close(policy.evaluate_actions(obs, action)[0], log_prob)
    logits = policy.actor(policy.actor_encoder(obs))  # type: ignore[misc]
    torch.testing.assert_close(
        policy.act_deterministic(obs),
        torch.stack([logits[:, :3].argmax(-1), logits[:, 3:].argmax(-1)], dim=-1),
    )


def test_state_dict_round_trip() -> None:
    source = _policy(seed=0, normalize_obs=True, critic_obs=["privileged"])
    source.update_normalization(_obs())
    target = _policy(seed=5, normalize_obs=True, critic_obs=["privileged"])
    obs = _obs(seed=3)
    assert not torch.allclose(target.act_deterministic(obs), source.act_deterministic(obs))
    target.load_state_dict(source.state_dict())
    torch.testing.assert_close(target.act_deterministic(obs), source.act_deterministic(obs))
    torch.testing.assert_close(target.get_value(obs), source.get_value(obs))


def test_bad_options_fail_in_the_constructor_before_any_module_is_built() -> None:
    rng = torch.get_rng_state()
    with pytest.raises(ValueError) as error:
        ActorCritic(obs_shapes={"rgb": [3, 64, 64], "privileged": [9]}, action_dim=2,
                    critic_obs=["privileged"])  # fmt: skip
    assert str(error.value) == (
        "policy.encoder.type is none but the observation has image key 'rgb' [3, 64, 64]: "
        "set policy.encoder.type to nature_cnn or impala"
    )
    with pytest.raises(ValueError, match=r"at least 36 x 36 but observation key 'rgb' is 32 x 32"):
        ActorCritic(obs_shapes={"rgb": [3, 32, 32]}, action_dim=2, encoder=ENC)
    with pytest.raises(
        ValueError, match=r"policy.actor_obs names unknown observation keys \['rbg'\]"
    ):
        ActorCritic(obs_shapes=SHAPES, action_dim=2, encoder=ENC, actor_obs=["rbg"])
    with pytest.raises(ValueError, match=r"exactly one of them"):
        ActorCritic(obs_dim=3, obs_shapes=SHAPES, action_dim=2)
    assert torch.equal(torch.get_rng_state(), rng)  # no layer was initialised


def test_policy_space_kwargs_passes_shapes_for_a_dict_space() -> None:
    space = gym.spaces.Dict(
        {
            "rgb": gym.spaces.Box(0, 255, (3, 36, 36), np.uint8),
            "state": gym.spaces.Box(-np.inf, np.inf, (4,), np.float32),
        }
    )
    action_space = gym.spaces.Box(-1, 1, (2,))
    env = SimpleNamespace(
        single_observation_space=space, single_action_space=action_space, action_dim=2
    )
    assert policy_space_kwargs(env) == {
        "obs_dim": None, "obs_shapes": {"rgb": [3, 36, 36], "state": [4]},
        "action_dim": 2, "action_nvec": None,
    }  # fmt: skip


def _square_batch(gen: torch.Generator, batch: int) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """40 x 40 images, black but for a bright 6 x 6 square; the target is its centre in [-1, 1]."""
    corner = torch.randint(0, 35, (batch, 2), generator=gen)
    rows = torch.arange(40)
    inside_y = (rows >= corner[:, :1]) & (rows < corner[:, :1] + 6)
    inside_x = (rows >= corner[:, 1:]) & (rows < corner[:, 1:] + 6)
    mask = inside_y[:, :, None] & inside_x[:, None, :]
    rgb = (mask[:, None].expand(batch, 3, 40, 40) * 255).to(torch.uint8)
    target = (corner.float() + 3.0) / 20.0 - 1.0
    return {"rgb": rgb, "state": torch.zeros(batch, 1)}, target


def test_the_actor_learns_where_a_square_sits_from_pixels() -> None:
    torch.manual_seed(0)
    policy = ActorCritic(
        obs_shapes={"rgb": [3, 40, 40], "state": [1]}, action_dim=2,
        actor={"hidden_sizes": [64], "activation": "relu"}, critic=NET,
        encoder={"type": "nature_cnn", "features": 64, "state_hidden_sizes": [4]},
    )  # fmt: skip
    optimizer = torch.optim.Adam(policy.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(200):
        obs, target = _square_batch(gen, 32)
        loss = (policy.act_deterministic(obs) - target).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    obs, target = _square_batch(torch.Generator().manual_seed(1), 512)
    with torch.no_grad():
        mse = (policy.act_deterministic(obs) - target).square().mean()
    # The best any image-blind predictor can do is the target's variance (about 0.255).
    blind = target.var(0, unbiased=False).mean()
    assert mse < 0.1 * blind, (float(mse), float(blind))
