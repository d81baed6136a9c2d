"""Bad GRPO / actor_only input, as a user types it: each case is a real
``embodichain-train`` run that must exit 2 with one ``error:`` line naming the key, print no
traceback and write nothing (the same check as ``test_bad_input``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import test_bad_input as bad

GRPO = ("algorithm=grpo", "policy=actor_only")

CASES: dict[str, bad.Case] = {
    "grpo-envs-not-a-multiple-of-the-group": bad.Case(
        bad._train(*GRPO, "env.num_envs=6", "algorithm.group_size=4"),
        ["env.num_envs=6 is not a multiple of algorithm.group_size=4"],
    ),
    "grpo-group-of-one": bad.Case(
        bad._train(*GRPO, "algorithm.group_size=1"),
        ["algorithm.group_size must be >= 2, got 1"],
    ),
    "grpo-with-the-ppo-policy": bad.Case(
        bad._train("algorithm=grpo"),
        ["algorithm=grpo needs policy=actor_only", "policy=actor_critic"],
    ),
    "grpo-shared-starts-without-resets": bad.Case(
        bad._train(*GRPO, "algorithm.shared_starts=true", "algorithm.reset_every_rollout=false"),
        ["algorithm.shared_starts needs reset_every_rollout=true"],
    ),
    "grpo-shared-starts-on-a-gym-env": bad.Case(
        bad._train(*GRPO, "env=gym", "algorithm.shared_starts=true"),
        ["algorithm.shared_starts=true", "GymnasiumEnv", "algorithm.shared_starts=false"],
    ),
    "grpo-per-token-ratio-on-a-gaussian-actor": bad.Case(
        bad._train(*GRPO, "algorithm.ratio=per_token"),
        ["algorithm.ratio=per_token", "ActorOnly", "algorithm.ratio=joint"],
    ),
    "grpo-unknown-ratio": bad.Case(
        bad._train(*GRPO, "algorithm.ratio=tokens"),
        ["ratio must be one of joint, per_token, got 'tokens'"],
    ),
    "actor-only-discrete-actions": bad.Case(
        bad._train(*GRPO, "env=gym", "env.gym_id=CartPole-v1"),
        ["policy=actor_only", "env.gym_id=CartPole-v1", "Discrete(2)"],
    ),
    "actor-only-orthogonal-gains-count": bad.Case(
        bad._train(*GRPO, "policy.actor.orthogonal_init=[1.0,0.01]"),
        ["policy.actor", "orthogonal_init needs 3 gains"],
    ),
    "actor-only-init-log-std-out-of-range": bad.Case(
        bad._train(*GRPO, "policy.init_log_std=3"),
        ["policy.init_log_std must be in [log_std_min, log_std_max]"],
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in CASES.items()])
def test_grpo_bad_input_is_one_line_exit_2_and_writes_nothing(
    case: bad.Case, tmp_path: Path
) -> None:
    bad.test_bad_input_is_one_line_exit_2_and_writes_nothing(case, tmp_path)
