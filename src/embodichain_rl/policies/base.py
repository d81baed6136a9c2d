"""The policy interface every algorithm talks to."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import torch
from torch import nn

from embodichain_rl.utils.observations import Observation


class Policy(nn.Module, ABC):
    """A stochastic policy with a value head over batched flat observations.

    Shapes: ``obs`` is ``[N, obs_dim]`` (or, for a policy with ``accepts_dict_observations``,
    a dict of ``[N, *shape]`` tensors: see :mod:`embodichain_rl.utils.observations`),
    actions ``[N, action_dim]`` of ``action_dtype``
    (float for continuous actions; int64 indices, one per component, for discrete ones);
    log-probabilities, entropies and values are ``[N]``. Every method is pure tensor work on
    the policy's device (no host synchronisation), so it can sit inside a rollout or
    minibatch loop.
    """

    action_dtype: torch.dtype = torch.float32
    """Element type of the actions this policy returns (and the rollout buffer stores)."""
    accepts_dict_observations: bool = False
    """Whether this policy class reads dict observations (camera images, named vectors)."""
    factorised_actions: bool = False
    """Whether the action distribution is a product of independent parts whose log-probs
    ``evaluate_action_parts`` returns (token-level ratios in GRPO need it)."""

    @abstractmethod
    def get_action(
        self, obs: Observation, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Sample (or, when ``deterministic``, take the mode of) an action.

        Returns ``(action [N, A], log_prob [N], value [N])``; ``log_prob`` is the density of
        the returned action under the current distribution.
        """

    @abstractmethod
    def get_value(self, obs: Observation) -> torch.Tensor:
        """State value ``[N]``."""

    @abstractmethod
    def evaluate_actions(
        self, obs: Observation, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Score given actions: ``(log_prob [N], entropy [N], value [N])``, differentiable."""

    def evaluate_action_parts(
        self, obs: Observation, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """For a policy with ``factorised_actions``: the log-prob of each independent part
        of the given actions ``[N, K]`` (their sum is ``evaluate_actions``' log-prob) and
        the entropy ``[N]``, differentiable."""
        raise NotImplementedError(f"{type(self).__name__} has no factorised action parts")

    def observation_normalizer(self) -> Any:
        """The running normaliser of raw observations (a ``RunningNormalizer``, or a
        ``DictNormalizer`` of a dict-observation policy), or ``None`` (the default). The
        algorithm, not the policy, decides when its statistics change."""
        return None

    def update_normalization(self, obs: torch.Tensor) -> None:
        """Fold a batch of raw observations into the observation normaliser, if any."""
        normalizer = self.observation_normalizer()
        if normalizer is not None:
            normalizer.update(obs)

    def acting_observation_keys(self) -> list[str] | None:
        """The dict-observation keys ``act_deterministic`` reads (an exported actor takes
        these inputs only), or ``None`` for a flat-observation policy (the default)."""
        return None

    def act_deterministic(self, obs: Observation) -> torch.Tensor:
        """The deterministic action ``[N, A]`` (evaluation and export convenience)."""
        action, _, _ = self.get_action(obs, deterministic=True)
        return action

    def action_std(self) -> torch.Tensor | None:
        """Mean standard deviation of the action distribution as a scalar device tensor, or
        ``None`` when the policy has no such notion (then it is not logged)."""
        return None
