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
