"""GRPO and APG on the shared optimiser blocks: each composes and trains one iteration with
a non-default optimiser and schedule, their rates follow the schedules (hand values), the
older learning_rate / adam_eps keys behave as PPO's, and a GRPO run resumes exactly."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import torch
from hydra.utils import instantiate

from embodichain_rl.algorithms import APG, GRPO
from embodichain_rl.algorithms.grpo_preflight import grpo_config_problem
from embodichain_rl.algorithms.optim import OPTIMIZER_CLASSES
from embodichain_rl.config import validate_config
from embodichain_rl.envs import PointMassEnv
from embodichain_rl.policies import ActorOnly
from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.run import run
from tests.algorithms.test_lr_schedulers import HAND_RATES
from tests.algorithms.test_optimizers import train_one_iteration
from tests.algorithms.toy_envs import MoveToTarget

NET = {"hidden_sizes": [16], "activation": "tanh"}
GRPO_RUN = ["policy=actor_only", "algorithm=grpo"]
APG_RUN = ["env=point_mass", "policy=actor_only", "algorithm=apg"]


@pytest.mark.parametrize(
    ("overrides", "block", "first_lr"),
    [
        (
            [*GRPO_RUN, "algorithm/optimizer=sgd", "algorithm.optimizer.momentum=0.9"],
            "algorithm/lr_scheduler=cosine",
            1e-4,  # GRPOConfig's learning_rate
        ),
        (
            [*GRPO_RUN, "env=point_mass", "algorithm.shared_starts=true"],
            "algorithm/lr_scheduler=adaptive",
            1e-4,
        ),
        ([*APG_RUN, "algorithm/optimizer=rmsprop"], "algorithm/lr_scheduler=step", 3e-3),
        ([*APG_RUN, "algorithm/optimizer=adamw"], "algorithm/lr_scheduler=linear", 3e-3),
    ],
    ids=["grpo-sgd-cosine", "grpo-point-mass-adaptive", "apg-rmsprop-step", "apg-adamw-linear"],
)
def test_grpo_and_apg_compose_and_train_with_the_options(
    compose_train, overrides: list[str], block: str, first_lr: float
) -> None:
    cfg = compose_train(*overrides, block, "env.num_envs=4", "eval.num_envs=2")
    if "algorithm=grpo" in overrides:  # PointMass's start groups pass GRPO's preflight
        assert grpo_config_problem(cfg) is None
    typed = validate_config(cfg).algorithm
    assert typed.lr_schedule == block.split("=")[1]
    policy = ActorOnly(obs_dim=14, action_dim=2)
    built = instantiate(cfg.algorithm, policy=policy, device="cpu", total_updates=3)
    assert type(built.optimizer) is OPTIMIZER_CLASSES[typed.optimizer.name]
    metrics = train_one_iteration(compose_train, *overrides, block)
    assert torch.isfinite(metrics["loss"])
    assert metrics["lr"].item() == pytest.approx(first_lr)  # update 0


def _grpo(**hyper: Any) -> tuple[GRPO, MoveToTarget, torch.Tensor]:
    torch.manual_seed(0)
    env = MoveToTarget(num_envs=8)
    policy = ActorOnly(obs_dim=1, action_dim=1, actor=NET)
    options = {"group_size": 4, "n_epochs": 1, "batch_size": 16, "seed": 0, "kl_coef": 0.0}
    algo = GRPO(policy=policy, device="cpu", **{**options, **hyper})
    algo.initialize_buffer(4, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    return algo, env, obs


def _apg(**hyper: Any) -> tuple[APG, PointMassEnv]:
    torch.manual_seed(0)
    env = PointMassEnv(num_envs=2, max_episode_steps=5)
    env.reset(seed=0)
    algo = APG(policy=ActorOnly(obs_dim=14, action_dim=2, actor=NET), device="cpu", **hyper)
    algo.initialize_buffer(3, env.num_envs, env.obs_dim, env.action_dim)
    return algo, env


def _rates(algo: GRPO | APG, env: Any, obs: torch.Tensor, updates: int) -> list[dict]:
    seen = []
    for _ in range(updates):
        obs = algo.collect_rollout(env, obs)
        metrics = algo.update()
        kl = metrics.get("approx_kl", torch.zeros(()))
        seen.append({"lr": metrics["lr"].item(), "approx_kl": kl.item()})
    return seen


@pytest.mark.parametrize("algorithm", ["grpo", "apg"])
@pytest.mark.parametrize("name", list(HAND_RATES))
def test_each_schedule_gives_the_hand_computed_rates(algorithm: str, name: str) -> None:
    knobs, expected = HAND_RATES[name]  # initial rate 1e-3, total_updates 4, updates 0..5
    hyper = {"learning_rate": 1e-3, "lr_schedule": name, "total_updates": 4, "lr_scheduler": knobs}
    if algorithm == "grpo":
        algo, env, obs = _grpo(**hyper)
    else:
        algo, env = _apg(**hyper)
        obs = env.detach_state()
    assert [s["lr"] for s in _rates(algo, env, obs, 6)] == pytest.approx(expected, rel=1e-5)


def test_adaptive_grpo_moves_its_rate_by_each_update_kl() -> None:
    settings = {"desired_kl": 1e-4, "factor": 2.0, "min_lr": 1e-6, "max_lr": 0.1}
    algo, env, obs = _grpo(learning_rate=1e-3, lr_schedule="adaptive", lr_scheduler=settings)
    seen = _rates(algo, env, obs, 5)
    rate = 1e-3
    for step in seen:  # the next update's rate follows this update's mean approx-KL
        assert step["lr"] == pytest.approx(rate, rel=1e-5)
        kl = step["approx_kl"]
        if kl > 2e-4:
            rate = max(1e-6, rate / 2.0)
        elif 0.0 < kl < 0.5e-4:
            rate = min(0.1, rate * 2.0)
    assert algo.optimizer.param_groups[0]["lr"].item() == pytest.approx(rate, rel=1e-5)
    assert len({round(s["lr"], 12) for s in seen}) > 1, "the KL never moved the rate"


def test_apg_refuses_adaptive_and_schedules_need_their_horizon() -> None:
    policy = ActorOnly(obs_dim=14, action_dim=2)
    with pytest.raises(ValueError, match=r"lr_schedule='adaptive' follows the KL .* APG"):
        APG(policy=policy, device="cpu", lr_schedule="adaptive")
    with pytest.raises(ValueError, match=r"lr_schedule='linear' needs total_updates"):
        GRPO(policy=policy, device="cpu", lr_schedule="linear")
    with pytest.raises(ValueError, match=r"lr_schedule must be one of"):
        GRPO(policy=policy, device="cpu", lr_schedule="warmup")


@pytest.mark.parametrize("cls", [GRPO, APG])
def test_older_keys_and_the_block_agree_as_for_ppo(cls: type) -> None:
    policy = ActorOnly(obs_dim=14, action_dim=2)
    algo = cls(policy=policy, device="cpu", optimizer={"name": "rmsprop", "learning_rate": 5e-4})
    assert algo.config.learning_rate == 5e-4
    assert type(algo.optimizer) is torch.optim.RMSprop
    group = algo.optimizer.param_groups[0]
    assert group["lr"].item() == pytest.approx(5e-4)
    assert group["eps"] == 1e-8  # adam_eps reaches RMSprop too
    sgd = cls(policy=policy, device="cpu", adam_eps=1e-6, optimizer={"name": "sgd"})
    assert "eps" not in sgd.optimizer.defaults  # an optimiser without eps gets none
    with pytest.raises(ValueError, match=r"learning_rate=0.001 and optimizer.learning_rate="):
        cls(policy=policy, device="cpu", learning_rate=1e-3, optimizer={"learning_rate": 3e-4})
    with pytest.raises(ValueError, match=r"adam_eps=1e-06 and optimizer.eps=1e-07"):
        cls(policy=policy, device="cpu", adam_eps=1e-6, optimizer={"eps": 1e-7})


def test_apg_state_dict_continues_a_step_schedule_and_the_momentum() -> None:
    hyper = {
        "learning_rate": 1e-3,
        "lr_schedule": "step",
        "lr_scheduler": {"step_size": 2, "gamma": 0.5},
        "optimizer": {"name": "sgd", "momentum": 0.9},
    }
    algo, env = _apg(**hyper)
    obs = env.detach_state()
    _rates(algo, env, obs, 3)
    state, env_state = copy.deepcopy(algo.state_dict()), env.state_dict()  # steps mutate it
    policy_state = {k: v.clone() for k, v in algo.policy.state_dict().items()}
    sampling = torch.get_rng_state()  # the policy samples its actions from the global RNG
    expected = _rates(algo, env, env.detach_state(), 2)
    again, env = _apg(**hyper)
    again.policy.load_state_dict(policy_state)
    again.load_state_dict(state)
    env.load_state_dict(env_state)
    torch.set_rng_state(sampling)
    got = _rates(again, env, env.detach_state(), 2)
    assert [s["lr"] for s in got] == [s["lr"] for s in expected] == pytest.approx([5e-4, 2.5e-4])
    for mine, theirs in zip(again.policy.parameters(), algo.policy.parameters(), strict=True):
        assert torch.equal(mine, theirs)


GRPO_RESUME = [
    *GRPO_RUN,
    "env=point_mass",
    "env.num_envs=8",
    "algorithm.shared_starts=true",
    "algorithm.n_epochs=2",
    "algorithm/optimizer=sgd",
    "algorithm.optimizer.momentum=0.9",
    "algorithm.learning_rate=1e-2",
    "algorithm/lr_scheduler=adaptive",
    "algorithm.lr_scheduler.desired_kl=1e-6",
    "policy.normalize_obs=true",
    "runtime.rollout_steps=8",
    "runtime.device=cpu",
    "runtime.torch_threads=1",
    "eval.freq=0",
    "eval.num_envs=2",
    "checkpoint.save_freq=0",
    "logging.progress_bar=false",
]
"""GRPO with shared starts on PointMass, SGD momentum, the adaptive rate: 8 envs x 8 steps."""


def test_grpo_with_sgd_and_adaptive_rate_resumes_exactly(tmp_path: Path) -> None:
    from hydra import compose, initialize_config_module

    from embodichain_rl.config import register_configs

    register_configs()
    dirs = {name: tmp_path / name for name in ("one_go", "first", "resumed")}
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        run(compose("train", [*GRPO_RESUME, "runtime.iterations=4"]), dirs["one_go"])
        run(compose("train", [*GRPO_RESUME, "runtime.iterations=2"]), dirs["first"])
        again = [*GRPO_RESUME, "runtime.iterations=4", f"runtime.resume={dirs['first']}"]
        run(compose("train", again), dirs["resumed"])
    one_go = load_checkpoint(dirs["one_go"] / "checkpoints" / "last.pt")
    resumed = load_checkpoint(dirs["resumed"] / "checkpoints" / "last.pt")
    for key, value in one_go["policy"].items():
        assert torch.equal(value, resumed["policy"][key]), key
    saved, again_saved = one_go["algorithm"]["optimizer"], resumed["algorithm"]["optimizer"]
    rate = torch.as_tensor(saved["param_groups"][0]["lr"])
    assert torch.equal(rate, torch.as_tensor(again_saved["param_groups"][0]["lr"]))
    assert rate.item() == pytest.approx(1e-2 / 1.5**4)  # every update's KL was above 2e-6
    for index, state in saved["state"].items():
        assert torch.equal(state["momentum_buffer"], again_saved["state"][index]["momentum_buffer"])


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("algorithm", ["grpo", "apg"])
def test_optimizers_and_schedules_do_not_sync_on_a_gpu(algorithm: str) -> None:
    torch.manual_seed(0)
    env = PointMassEnv(num_envs=64, device="cuda", max_episode_steps=6)
    policy = ActorOnly(obs_dim=14, action_dim=2, actor=NET)
    if algorithm == "grpo":  # shared starts, SGD + Nesterov, the KL-adaptive rate
        sgd = {"name": "sgd", "momentum": 0.9, "nesterov": True}
        algo: GRPO | APG = GRPO(
            policy=policy, device="cuda", shared_starts=True, optimizer=sgd, lr_schedule="adaptive"
        )
    else:
        algo = APG(
            policy=policy,
            device="cuda",
            horizon=4,
            optimizer={"name": "rmsprop"},
            lr_schedule="cosine",
            total_updates=4,
        )
    algo.initialize_buffer(8, env.num_envs, env.obs_dim, env.action_dim)
    obs = algo.collect_rollout(env, env.reset(seed=0)[0])  # warm-up: lazy optimizer state
    algo.update()
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        algo.collect_rollout(env, obs)
        metrics = algo.update()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert all(value.device.type == "cuda" for value in metrics.values())
