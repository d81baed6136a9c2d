"""Learning-rate schedules (each option also trains one iteration in test_optimizers): the
rates PPO uses, update by update, against hand-computed values; the adaptive KL rule
against hand math; exact restore from a checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embodichain_rl.algorithms import PPO, SAC
from embodichain_rl.algorithms.optim import LRSchedulerConfig, adaptive_lr
from embodichain_rl.config import validate_config
from embodichain_rl.policies import ActorCritic, SquashedGaussianActorCritic
from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.run import run
from tests.algorithms.test_optimizers import (
    OFF_POLICY,
    ONE_ITERATION,
    SMALL_REPLAY,
    train_one_iteration,
)
from tests.algorithms.toy_envs import MoveToTarget
from tests.trainer.resume_helpers import TINY

T, N = 4, 8
NET = {"hidden_sizes": [16], "activation": "tanh"}

HAND_RATES = {
    # initial rate 1e-3, total_updates 4; the rate of updates 0..5.
    "constant": ({}, [1e-3] * 6),
    # 1 + (0.2 - 1) * k / 4, held at 0.2 after the horizon.
    "linear": ({"end_factor": 0.2}, [1e-3, 0.8e-3, 0.6e-3, 0.4e-3, 0.2e-3, 0.2e-3]),
    # 0.1 + 0.9 * (1 + cos(pi k / 4)) / 2: cos(pi/4) = 0.70711, cos(3 pi/4) = -0.70711.
    "cosine": (
        {"min_factor": 0.1},
        [1e-3, 0.868198e-3, 0.55e-3, 0.231802e-3, 0.1e-3, 0.1e-3],
    ),
    # halved every 2 updates.
    "step": ({"step_size": 2, "gamma": 0.5}, [1e-3, 1e-3, 0.5e-3, 0.5e-3, 0.25e-3, 0.25e-3]),
    # 0.9^k.
    "exponential": ({"gamma": 0.9}, [1e-3, 0.9e-3, 0.81e-3, 0.729e-3, 0.6561e-3, 0.59049e-3]),
}


def _ppo(**kwargs: object) -> tuple[PPO, MoveToTarget, torch.Tensor]:
    torch.manual_seed(0)
    env = MoveToTarget(num_envs=N)
    policy = ActorCritic(obs_dim=1, action_dim=1, actor=NET, critic=NET)
    algo = PPO(policy=policy, device="cpu", n_epochs=1, num_minibatches=2, **kwargs)  # type: ignore[arg-type]
    algo.initialize_buffer(T, N, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    return algo, env, obs


def _rates(algo: PPO, env: MoveToTarget, obs: torch.Tensor, updates: int) -> list[dict]:
    seen = []
    for _ in range(updates):
        obs = algo.collect_rollout(env, obs)
        metrics = algo.update()
        seen.append({"lr": metrics["lr"].item(), "approx_kl": metrics["approx_kl"].item()})
    return seen


@pytest.mark.parametrize("name", list(HAND_RATES))
def test_each_schedule_gives_the_hand_computed_rates(name: str) -> None:
    knobs, expected = HAND_RATES[name]
    algo, env, obs = _ppo(learning_rate=1e-3, lr_schedule=name, total_updates=4, lr_scheduler=knobs)
    assert [s["lr"] for s in _rates(algo, env, obs, 6)] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    ("lr", "kl", "expected"),
    [
        (1e-3, 0.05, 1e-3 / 1.5),  # kl > 2 * 0.01: divide by 1.5
        (1e-3, 0.001, 1.5e-3),  # 0 < kl < 0.01 / 2: multiply by 1.5
        (1e-3, 0.01, 1e-3),  # in [0.005, 0.02]: keep
        (1e-3, 0.0, 1e-3),  # kl = 0 (nothing moved): keep
        (1.2e-5, 0.05, 1e-5),  # 1.2e-5 / 1.5 = 8e-6, raised to min_lr
        (8e-3, 0.001, 1e-2),  # 8e-3 * 1.5 = 1.2e-2, cut to max_lr
    ],
)
def test_adaptive_rule_matches_rsl_rl_hand_math(lr: float, kl: float, expected: float) -> None:
    settings = LRSchedulerConfig()  # desired_kl 0.01, factor 1.5, bounds [1e-5, 1e-2]
    got = adaptive_lr(torch.tensor(lr), torch.tensor(kl), settings)
    assert got.item() == pytest.approx(expected, rel=1e-6)


def test_adaptive_ppo_moves_its_rate_by_each_update_kl() -> None:
    algo, env, obs = _ppo(
        learning_rate=1e-3,
        lr_schedule="adaptive",
        lr_scheduler={"desired_kl": 1e-4, "factor": 2.0, "min_lr": 1e-6, "max_lr": 0.1},
    )
    seen = _rates(algo, env, obs, 5)
    rate = 1e-3
    for step in seen:  # the next update's rate follows this update's mean approx-KL
        assert step["lr"] == pytest.approx(rate, rel=1e-5)
        kl = step["approx_kl"]
        if kl > 2e-4:
            rate = max(1e-6, rate / 2.0)
        elif 0.0 < kl < 0.5e-4:
            rate = min(0.1, rate * 2.0)
    assert algo.learning_rate == pytest.approx(rate, rel=1e-5)
    assert len({round(s["lr"], 12) for s in seen}) > 1, "the KL never moved the rate"


def test_schedules_need_their_horizon_and_adaptive_is_ppo_only() -> None:
    policy = ActorCritic(obs_dim=1, action_dim=1)
    with pytest.raises(ValueError, match=r"lr_schedule='cosine' needs total_updates"):
        PPO(policy=policy, device="cpu", lr_schedule="cosine")
    with pytest.raises(ValueError, match=r"lr_schedule='adaptive' follows the KL"):
        SAC(
            policy=SquashedGaussianActorCritic(obs_dim=1, action_dim=1),
            device="cpu",
            lr_schedule="adaptive",
        )
    with pytest.raises(ValueError, match=r"gamma must be in \(0, 1\], got 0"):
        LRSchedulerConfig(gamma=0)


def test_schedule_knobs_compose_as_plain_overrides(compose_train) -> None:
    cfg = compose_train("algorithm/lr_scheduler=adaptive", "algorithm.lr_scheduler.factor=2")
    ppo = validate_config(cfg).algorithm
    assert (ppo.lr_schedule, ppo.lr_scheduler.factor) == ("adaptive", 2.0)


def test_off_policy_rates_follow_the_schedule(compose_train) -> None:
    cfg_overrides = [*OFF_POLICY["sac"], *SMALL_REPLAY, "algorithm/lr_scheduler=exponential"]
    cfg = compose_train(*ONE_ITERATION, *cfg_overrides, "algorithm.lr_scheduler.gamma=0.5")
    sac = validate_config(cfg).algorithm
    assert (sac.lr_schedule, sac.lr_scheduler.gamma) == ("exponential", 0.5)
    train_one_iteration(compose_train, *cfg_overrides)
    policy = SquashedGaussianActorCritic(obs_dim=1, action_dim=1)
    algo = SAC(
        policy=policy,
        device="cpu",
        lr_schedule="step",
        lr_scheduler={"step_size": 1, "gamma": 0.5},
        actor_learning_rate=1e-3,
        alpha_learning_rate=4e-3,
    )
    algo.initialize_buffer(2, 2, 1, 1)
    for _ in range(3):
        algo.update()  # no transitions yet: the rates still move once per update call
    assert algo.actor_optimizer.param_groups[0]["lr"].item() == pytest.approx(0.25e-3)
    assert algo.alpha_optimizer.param_groups[0]["lr"].item() == pytest.approx(1e-3)


ADAPTIVE_RESUME = [
    *TINY,
    "eval.freq=0",
    "algorithm/optimizer=rmsprop",
    "algorithm/lr_scheduler=adaptive",
    "algorithm.lr_scheduler.desired_kl=1e-4",
]


def test_adaptive_rate_and_rmsprop_state_resume_exactly(tmp_path: Path) -> None:
    from hydra import compose, initialize_config_module

    from embodichain_rl.config import register_configs

    register_configs()
    dirs = {name: tmp_path / name for name in ("one_go", "first", "resumed")}
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        run(compose("train", [*ADAPTIVE_RESUME, "runtime.iterations=4"]), dirs["one_go"])
        run(compose("train", [*ADAPTIVE_RESUME, "runtime.iterations=2"]), dirs["first"])
        again = [*ADAPTIVE_RESUME, "runtime.iterations=4", f"runtime.resume={dirs['first']}"]
        run(compose("train", again), dirs["resumed"])
    one_go = load_checkpoint(dirs["one_go"] / "checkpoints" / "last.pt")
    resumed = load_checkpoint(dirs["resumed"] / "checkpoints" / "last.pt")
    for key, value in one_go["policy"].items():
        assert torch.equal(value, resumed["policy"][key]), key
    saved, again_saved = one_go["algorithm"]["optimizer"], resumed["algorithm"]["optimizer"]
    assert torch.equal(
        torch.as_tensor(saved["param_groups"][0]["lr"]),
        torch.as_tensor(again_saved["param_groups"][0]["lr"]),
    )
    for index, state in saved["state"].items():
        assert torch.equal(state["square_avg"], again_saved["state"][index]["square_avg"])
    rate = float(saved["param_groups"][0]["lr"])
    assert rate != pytest.approx(2.2e-3), "the KL never moved the rate"


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("mode", ["none", "compile", "cudagraphs"])
@pytest.mark.parametrize(
    ("optimizer", "schedule"), [("adamw", "adaptive"), ("sgd", "cosine"), ("rmsprop", "step")]
)
def test_schedules_and_optimizers_do_not_sync_on_a_gpu(
    mode: str, optimizer: str, schedule: str
) -> None:
    torch.manual_seed(0)
    env = MoveToTarget(num_envs=64, device="cuda")
    policy = ActorCritic(obs_dim=1, action_dim=1, actor=NET, critic=NET)
    block = {"name": optimizer, **({"momentum": 0.9} if optimizer == "sgd" else {})}
    algo = PPO(
        policy=policy,
        device="cuda",
        n_epochs=2,
        num_minibatches=2,
        optimizer=block,
        lr_schedule=schedule,
        total_updates=4,
    )
    algo.use_compile(mode)
    algo.initialize_buffer(8, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    for _ in range(2):  # warm-up: compilation, graph capture, lazy optimizer state
        obs = algo.collect_rollout(env, obs)
        algo.update()
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        obs = algo.collect_rollout(env, obs)
        metrics = algo.update()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert metrics["lr"].device.type == "cuda" and torch.isfinite(metrics["loss"])
