"""Optimiser options: each composes through Hydra and trains one iteration; knobs reach
PyTorch and move the weights as hand-computed; older keys and the block agree or fail."""

from __future__ import annotations

import copy

import pytest
import torch
from hydra.utils import instantiate

from embodichain_rl.algorithms import PPO, TD3
from embodichain_rl.algorithms.optim import OptimizerConfig, build_optimizer
from embodichain_rl.config import validate_config
from embodichain_rl.policies import ActorCritic, DeterministicActorCritic
from embodichain_rl.trainer.build import build_components
from tests.algorithms.toy_envs import MoveToTarget

ONE_ITERATION = [
    "env.num_envs=4",
    "runtime.rollout_steps=4",
    "eval.num_envs=2",
    "runtime.iterations=1",
]
"""A 4 env x 4 step rollout and one update (tests/budgets.py's tiny run, without eval)."""

OFF_POLICY = {
    "sac": ["algorithm=sac", "policy=sac_actor_critic"],
    "td3": ["algorithm=td3", "policy=td3_actor_critic"],
}
SMALL_REPLAY = [
    "algorithm.buffer_size=64",
    "algorithm.batch_size=8",
    "algorithm.learning_starts=8",
    "algorithm.updates_per_step=1",
]
"""A replay buffer that holds learning_starts after the first rollout (16 transitions)."""


def train_one_iteration(compose_train, *overrides: str) -> dict[str, torch.Tensor]:
    """Compose, validate, build and run one rollout + update; the update's metrics."""
    cfg = compose_train(*ONE_ITERATION, *overrides)
    validate_config(cfg)
    parts = build_components(cfg, torch.device("cpu"))
    try:
        algorithm = parts.algorithm
        algorithm.initialize_buffer(4, parts.env.num_envs, parts.env.obs_dim, parts.env.action_dim)
        obs, _ = parts.env.reset(seed=0)
        before = [p.detach().clone() for p in parts.policy.parameters()]
        algorithm.collect_rollout(parts.env, obs)
        metrics = algorithm.update()
        moved = any(
            not torch.equal(a, p) for a, p in zip(before, parts.policy.parameters(), strict=True)
        )
        assert moved, "one update left every weight unchanged"
        return metrics
    finally:
        parts.env.close()
        parts.eval_env.close()


@pytest.mark.parametrize(
    ("optimizer", "schedule"),
    # every optimizer option and every schedule option at least once
    [
        ("adam", "constant"),
        ("adamw", "cosine"),
        ("sgd", "step"),
        ("rmsprop", "exponential"),
        ("adam", "adaptive"),
        ("adamw", "linear"),
    ],
)
def test_each_option_composes_and_trains_ppo(compose_train, optimizer: str, schedule: str) -> None:
    metrics = train_one_iteration(
        compose_train, f"algorithm/optimizer={optimizer}", f"algorithm/lr_scheduler={schedule}"
    )
    assert torch.isfinite(metrics["loss"])
    assert metrics["lr"].item() == pytest.approx(2.2e-3)  # update 0: PPOConfig's learning_rate


@pytest.mark.parametrize(("algorithm", "name"), [("sac", "rmsprop"), ("td3", "sgd")])
def test_off_policy_learners_take_the_optimizer_option(
    compose_train, algorithm: str, name: str
) -> None:
    metrics = train_one_iteration(
        compose_train, *OFF_POLICY[algorithm], *SMALL_REPLAY, f"algorithm/optimizer={name}"
    )
    assert torch.isfinite(metrics["critic_loss"])


def test_composed_knobs_reach_the_torch_optimizer(compose_train) -> None:
    cfg = compose_train(
        "algorithm/optimizer=adamw",
        "algorithm.optimizer.weight_decay=0.05",
        "algorithm.optimizer.betas=[0.8,0.9]",
        "algorithm.adam_eps=1e-6",
        "algorithm.learning_rate=4e-4",
    )
    validate_config(cfg)
    policy = ActorCritic(obs_dim=2, action_dim=1)
    algo = instantiate(cfg.algorithm, policy=policy, device="cpu", total_updates=5, _convert_="all")
    assert type(algo.optimizer) is torch.optim.AdamW
    group = algo.optimizer.param_groups[0]
    assert (group["weight_decay"], group["betas"], group["eps"]) == (0.05, (0.8, 0.9), 1e-6)
    assert isinstance(group["lr"], torch.Tensor) and group["lr"].item() == pytest.approx(4e-4)
    assert group["fused"] is True  # one kernel per step on the CPU


def test_pytorch_defaults_apply_where_a_knob_is_null() -> None:
    param = torch.nn.Parameter(torch.ones(2))
    adamw = build_optimizer([param], OptimizerConfig(name="adamw", learning_rate=0.1), "cpu")
    assert adamw.param_groups[0]["weight_decay"] == 0.01  # AdamW's own default
    rmsprop = build_optimizer([param], OptimizerConfig(name="rmsprop"), "cpu", learning_rate=0.1)
    group = rmsprop.param_groups[0]
    assert (group["alpha"], group["eps"], group["momentum"]) == (0.99, 1e-8, 0)


@pytest.mark.parametrize(
    ("nesterov", "expected"),
    # p = 1, loss p^2 / 2 (grad = p), lr 0.1, momentum 0.9:
    # heavy ball: b1 = 1, p1 = 0.9; b2 = 0.9 * 1 + 0.9 = 1.8, p2 = 0.9 - 0.18 = 0.72.
    # Nesterov:   b1 = 1, p1 = 1 - 0.1 * (1 + 0.9) = 0.81;
    #             b2 = 0.9 + 0.81 = 1.71, p2 = 0.81 - 0.1 * (0.81 + 0.9 * 1.71) = 0.5751.
    [(False, [0.9, 0.72]), (True, [0.81, 0.5751])],
)
def test_sgd_momentum_and_nesterov_step_as_hand_computed(
    nesterov: bool, expected: list[float]
) -> None:
    param = torch.nn.Parameter(torch.ones(()))
    config = OptimizerConfig(name="sgd", momentum=0.9, nesterov=nesterov)
    optimizer = build_optimizer([param], config, "cpu", learning_rate=0.1)
    seen = []
    for _ in range(2):
        optimizer.zero_grad()
        (param**2 / 2).backward()
        optimizer.step()
        seen.append(param.item())
    assert seen == pytest.approx(expected, abs=1e-6)


def test_block_learning_rate_sets_the_older_key_and_a_conflict_fails() -> None:
    policy = ActorCritic(obs_dim=2, action_dim=1)
    algo = PPO(policy=policy, device="cpu", optimizer={"name": "rmsprop", "learning_rate": 5e-4})
    assert algo.config.learning_rate == 5e-4 and algo.learning_rate == pytest.approx(5e-4)
    assert type(algo.optimizer) is torch.optim.RMSprop
    assert algo.optimizer.param_groups[0]["eps"] == 1e-5  # adam_eps reaches RMSprop too
    same = PPO(policy=policy, device="cpu", learning_rate=5e-4, optimizer={"learning_rate": 5e-4})
    assert same.config.learning_rate == 5e-4
    with pytest.raises(ValueError, match=r"learning_rate=0.001 and optimizer.learning_rate="):
        PPO(policy=policy, device="cpu", learning_rate=1e-3, optimizer={"learning_rate": 3e-4})
    with pytest.raises(ValueError, match=r"adam_eps=1e-06 and optimizer.eps=1e-07"):
        PPO(policy=policy, device="cpu", adam_eps=1e-6, optimizer={"eps": 1e-7})


def test_td3_weight_decay_is_the_block_knob_under_its_older_key() -> None:
    policy = DeterministicActorCritic(obs_dim=2, action_dim=1)
    td3 = TD3(policy=copy.deepcopy(policy), device="cpu")
    assert type(td3.actor_optimizer) is torch.optim.AdamW
    assert td3.critic_optimizer.param_groups[0]["weight_decay"] == 0.1
    moved = TD3(policy=copy.deepcopy(policy), device="cpu", optimizer={"weight_decay": 0.02})
    assert moved.config.weight_decay == 0.02
    assert moved.actor_optimizer.param_groups[0]["weight_decay"] == 0.02
    with pytest.raises(ValueError, match=r"weight_decay=0.2 and optimizer.weight_decay=0.02"):
        TD3(policy=policy, device="cpu", weight_decay=0.2, optimizer={"weight_decay": 0.02})


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"name": "adagrad"}, r"name must be one of \['adam', 'adamw', 'sgd', 'rmsprop'\]"),
        ({"momentum": 0.9}, r"momentum does not apply to adam \(it applies to sgd, rmsprop\)"),
        ({"name": "sgd", "nesterov": True}, "nesterov needs momentum > 0"),
        ({"betas": [0.9, 1.0]}, r"betas must be two values in \[0, 1\)"),
        ({"name": "rmsprop", "alpha": 1.0}, r"alpha must be in \[0, 1\)"),
        ({"learning_rate": 0.0}, "learning_rate must be > 0"),
    ],
)
def test_bad_optimizer_blocks_fail_naming_the_knob(block: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OptimizerConfig(**block)


def test_compiled_update_with_sgd_and_cosine_equals_eager() -> None:
    torch.manual_seed(0)
    net = {"hidden_sizes": [16], "activation": "tanh"}
    policy = ActorCritic(obs_dim=1, action_dim=1, actor=net, critic=net)
    settings = {
        "n_epochs": 1,
        "num_minibatches": 2,
        "optimizer": {"name": "sgd", "momentum": 0.9, "nesterov": True},
        "lr_schedule": "cosine",
        "total_updates": 3,
        "lr_scheduler": {"min_factor": 0.1},
        "seed": 1,
    }
    eager = PPO(policy=policy, device="cpu", **settings)
    compiled = PPO(policy=copy.deepcopy(policy), device="cpu", **settings)
    compiled.use_compile("compile")
    env = MoveToTarget(num_envs=8)
    for algo in (eager, compiled):
        algo.initialize_buffer(4, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    for _ in range(2):  # the second update reuses the compiled step at a new rate
        obs = eager.collect_rollout(env, obs)
        assert eager.buffer is not None and compiled.buffer is not None
        for name, tensor in eager.buffer.data.items():
            compiled.buffer.data[name].copy_(tensor)
        compiled.buffer.step = eager.buffer.step
        expected, got = eager.update(), compiled.update()
        for name in ("loss", "approx_kl", "lr"):
            torch.testing.assert_close(got[name], expected[name], rtol=1e-4, atol=1e-5)
    for p_compiled, p_eager in zip(
        compiled.policy.parameters(), eager.policy.parameters(), strict=True
    ):
        torch.testing.assert_close(p_compiled, p_eager, rtol=1e-4, atol=1e-5)
    assert expected["lr"].item() == pytest.approx(2.2e-3 * (0.1 + 0.9 * 0.75))
