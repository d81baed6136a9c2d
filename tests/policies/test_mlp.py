"""build_mlp: layer layout, named activations, orthogonal init gains."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from embodichain_rl.policies import ACTIVATIONS, ActorCritic, build_mlp


def _assert_orthogonal(weight: torch.Tensor, gain: float) -> None:
    """Rows (or columns, whichever are fewer) are orthogonal with norm ``gain``."""
    w = weight.detach().double()
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    expected = gain**2 * torch.eye(gram.shape[0], dtype=torch.float64)
    torch.testing.assert_close(gram, expected, atol=1e-5 * gain**2, rtol=0)


def test_layout_and_activations() -> None:
    net = build_mlp(4, 2, hidden_sizes=[8, 6], activation="silu")
    kinds = [type(m) for m in net]
    assert kinds == [nn.Linear, nn.SiLU, nn.Linear, nn.SiLU, nn.Linear]
    assert [m.out_features for m in net if isinstance(m, nn.Linear)] == [8, 6, 2]
    assert build_mlp(4, 2, hidden_sizes=[], activation="relu")[0].in_features == 4


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_listed_activation_builds(name: str) -> None:
    net = build_mlp(3, 1, hidden_sizes=[4], activation=name)
    assert net(torch.randn(2, 3)).shape == (2, 1)


def test_unknown_activation_lists_valid_names_instead_of_falling_back() -> None:
    with pytest.raises(ValueError) as excinfo:
        build_mlp(3, 1, hidden_sizes=[4], activation="rleu")
    message = str(excinfo.value)
    assert "'rleu'" in message and "relu" in message and "tanh" in message


def test_orthogonal_init_gains_and_zero_bias() -> None:
    torch.manual_seed(0)
    policy = ActorCritic(
        obs_dim=6,
        action_dim=2,
        actor={"hidden_sizes": [32, 16], "activation": "tanh"},
        critic={"hidden_sizes": [32, 16], "activation": "tanh"},
    )
    for net, out_gain in ((policy.actor, 0.01), (policy.critic, 1.0)):
        linears = [m for m in net if isinstance(m, nn.Linear)]
        for hidden in linears[:-1]:
            _assert_orthogonal(hidden.weight, math.sqrt(2.0))
        _assert_orthogonal(linears[-1].weight, out_gain)
        for layer in linears:
            assert torch.count_nonzero(layer.bias) == 0


def test_actor_critic_networks_take_layer_gains_and_an_output_activation() -> None:
    torch.manual_seed(0)
    actor_gains, critic_gains = [2.0, 1.0, 0.5], [1.5, 1.5, 3.0]
    policy = ActorCritic(
        obs_dim=16,
        action_dim=4,
        actor={
            "hidden_sizes": [16, 8],
            "activation": "tanh",
            "last_activation": "tanh",
            "orthogonal_init": actor_gains,
        },
        critic={"hidden_sizes": [16, 8], "orthogonal_init": critic_gains},
    )
    for net, gains in ((policy.actor, actor_gains), (policy.critic, critic_gains)):
        linears = [m for m in net if isinstance(m, nn.Linear)]
        for layer, gain in zip(linears, gains, strict=True):
            _assert_orthogonal(layer.weight, gain)
    assert isinstance(policy.actor[-1], nn.Tanh)
    assert isinstance(policy.critic[-1], nn.Linear)  # no last_activation: a linear value
    assert policy.act_deterministic(100 * torch.randn(64, 16)).abs().max() <= 1.0


def test_bad_layer_gains_and_output_activation_are_refused() -> None:
    with pytest.raises(ValueError, match=r"critic: .*orthogonal_init needs 3 gains"):
        ActorCritic(obs_dim=2, action_dim=1, critic={"orthogonal_init": [1.0]})
    with pytest.raises(ValueError, match="unknown last_activation 'tahn'"):
        ActorCritic(obs_dim=2, action_dim=1, actor={"last_activation": "tahn"})
    with pytest.raises(ValueError, match="gains needs 2 positive values"):
        build_mlp(3, 1, hidden_sizes=[4], activation="relu", gains=[1.0, 0.0])
