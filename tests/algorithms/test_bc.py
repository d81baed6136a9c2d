"""Behaviour cloning (``algorithm=bc``): the loss against an independent Gaussian formula, the
FIFO dataset, cloning PushCube's scripted expert to a high eval success through the Trainer,
dict observations stored in their own dtypes, and exact resume."""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from embodichain_rl import Trainer
from embodichain_rl.algorithms import BC
from embodichain_rl.algorithms.bc import bc_loss
from embodichain_rl.algorithms.bc_dataset import DemonstrationDataset
from embodichain_rl.callbacks import Callback
from embodichain_rl.config import validate_config
from embodichain_rl.policies import ActorCritic
from embodichain_rl.trainer.checkpoint import load_checkpoint

CPU = torch.device("cpu")
COMMON = [
    "algorithm=bc",
    "env=push_cube",
    "env.control_mode=ee_delta_pos",
    "runtime.device=cpu",
    "runtime.compile=none",
    "runtime.torch_threads=1",
    "checkpoint.save_freq=0",
    "logging.progress_bar=false",
]
"""BC on PushCube's end-effector control, eager, on the CPU."""

TINY = [*COMMON, "env.num_envs=8", "runtime.rollout_steps=8", "eval.num_envs=4", "eval.freq=0"]
"""8 envs x 8 expert steps per iteration."""


def _known_gaussian_policy(mean: list[float], log_std: list[float]) -> ActorCritic:
    """An ActorCritic whose actor outputs ``mean`` for every observation (zero last layer)."""
    policy = ActorCritic(obs_dim=3, action_dim=len(mean))
    last = [m for m in policy.actor.modules() if isinstance(m, torch.nn.Linear)][-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.copy_(torch.tensor(mean))
        policy.log_std.copy_(torch.tensor(log_std))
    return policy


def _numpy_nll(actions: np.ndarray, mean: np.ndarray, log_std: np.ndarray) -> float:
    """Mean over rows of -log N(actions; mean, exp(log_std)^2), summed over dimensions."""
    sigma = np.exp(log_std)
    log_density = -0.5 * ((actions - mean) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * np.pi)
    return float(-log_density.sum(axis=1).mean())


def test_loss_is_the_mean_gaussian_negative_log_likelihood() -> None:
    mean, log_std = [0.3, -0.2], [-0.5, 0.25]
    policy = _known_gaussian_policy(mean, log_std)
    obs = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
    actions = torch.tensor([[0.0, 0.0], [1.0, -1.0], [0.3, -0.2], [-0.7, 0.4], [2.0, 0.1]])
    nll, entropy = bc_loss(policy, obs, actions)
    expected = _numpy_nll(actions.numpy(), np.array(mean), np.array(log_std))
    assert nll.item() == pytest.approx(expected, rel=1e-6)
    assert entropy.item() == pytest.approx(
        sum(0.5 + 0.5 * math.log(2 * math.pi) + s for s in log_std)
    )


def test_update_reports_the_nll_before_its_step_and_lowers_it() -> None:
    mean, log_std = [0.3, -0.2], [-0.5, 0.25]
    policy = _known_gaussian_policy(mean, log_std)
    algo = BC(policy=policy, device=CPU, n_epochs=1, batch_size=64, learning_rate=1e-2)
    algo.initialize_buffer(num_steps=1, num_envs=6, obs_dim=3, action_dim=2)
    assert algo.dataset is not None
    obs = torch.randn(6, 3, generator=torch.Generator().manual_seed(1))
    actions = torch.randn(6, 2, generator=torch.Generator().manual_seed(2))
    algo.dataset.reserve(obs, 6)
    algo.dataset.add(obs, actions)
    first = algo.update()
    assert first["bc_nll"].item() == pytest.approx(
        _numpy_nll(actions.numpy(), np.array(mean), np.array(log_std)), rel=1e-6
    )
    assert first["dataset_size"].item() == 6
    assert algo.update()["bc_nll"].item() < first["bc_nll"].item()


def test_fifo_dataset_keeps_the_newest_decisions_through_growth_and_wrap() -> None:
    dataset = DemonstrationDataset(
        action_dim=1, action_dtype=torch.float32, capacity=10, device=CPU
    )
    for start in range(0, 18, 3):  # decisions 0..17 in batches of 3 (int64 obs stay int64)
        ids = torch.arange(start, start + 3)
        obs = {"tokens": ids[:, None], "rgb": ids.to(torch.uint8)[:, None, None, None]}
        dataset.reserve(obs, 3)
        dataset.add(obs, ids[:, None].float())
    assert dataset.size == 10 and dataset.rows == 10
    assert isinstance(dataset.obs, dict)
    assert dataset.obs["tokens"].dtype == torch.int64 and dataset.obs["rgb"].dtype == torch.uint8
    assert sorted(dataset.actions[:, 0].tolist()) == [float(i) for i in range(8, 18)]
    assert sorted(dataset.obs["tokens"][:, 0].tolist()) == list(range(8, 18))
    seen = []
    for obs, actions in dataset.minibatches(4, torch.Generator().manual_seed(0)):
        assert torch.equal(obs["tokens"][:, 0].float(), actions[:, 0])
        seen += obs["tokens"][:, 0].tolist()
    assert len(seen) == 8 and len(set(seen)) == 8 and set(seen) <= set(range(8, 18))


def test_bc_from_python_equals_bc_from_yaml(compose_train) -> None:
    cfg = compose_train("algorithm=bc")
    composed = OmegaConf.to_container(cfg.algorithm, resolve=True)
    assert isinstance(composed, dict)
    composed.pop("_target_")
    python = asdict(BC(policy=ActorCritic(obs_dim=2, action_dim=1), device=CPU).config)
    assert composed == python  # conf/algorithm/bc.yaml overrides nothing


def test_push_cube_bc_experiment_composes_into_a_valid_bc_run(compose_train) -> None:
    cfg = compose_train("+experiment=push_cube_bc")
    typed = validate_config(cfg)
    assert type(typed.algorithm).__name__ == "BCAlgorithmConfig"
    assert (cfg.env.control_mode, cfg.policy.normalize_obs) == ("ee_delta_pos", True)


class _Record(Callback):
    """Keeps every iteration's metrics."""

    def __init__(self) -> None:
        self.rows: list[dict[str, float]] = []

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        self.rows.append(dict(metrics))


def test_bc_clones_the_push_cube_expert(tmp_path: Path) -> None:
    record = _Record()
    overrides = [
        *COMMON,
        "env.num_envs=64",
        "runtime.rollout_steps=32",
        "runtime.iterations=6",
        "policy.normalize_obs=true",
        "eval.num_envs=128",
        "eval.freq=0",
        f"hydra.run.dir={tmp_path / 'run'}",
    ]
    with Trainer.from_overrides(overrides, callbacks=[record]) as trainer:
        summary = trainer.learn()
    assert summary.global_steps == 6 * 64 * 32
    nll = [row["train/bc_nll"] for row in record.rows]
    assert nll[-1] < nll[0] - 1.0, nll
    assert record.rows[-1]["train/dataset_size"] == 6 * 64 * 32
    expert = [row["charts/success_rate"] for row in record.rows if "charts/success_rate" in row]
    assert expert and min(expert) >= 0.95, expert  # the trainer's statistics see the expert
    assert summary.eval_success_rate is not None and summary.eval_success_rate >= 0.8


PIXELS = [
    *TINY,
    "env.obs_mode=rgb_state",
    "env.camera.width=36",
    "env.camera.height=36",
    "policy.encoder.type=nature_cnn",
    "policy.encoder.nature_channels=[8,16,16]",
    "policy.encoder.features=32",
    "policy.encoder.state_hidden_sizes=[16]",
    "runtime.iterations=2",
]


def test_bc_stores_camera_images_as_uint8(tmp_path: Path) -> None:
    with Trainer.from_overrides([*PIXELS, f"hydra.run.dir={tmp_path / 'run'}"]) as trainer:
        trainer.learn()
        algorithm = trainer.algorithm
        assert isinstance(algorithm, BC) and algorithm.dataset is not None
        stored = algorithm.dataset.obs
    assert isinstance(stored, dict)
    assert stored["rgb"].dtype == torch.uint8
    assert tuple(stored["rgb"].shape[1:]) == (3, 36, 36)
    assert algorithm.dataset.size == 2 * 8 * 8
    assert int(stored["rgb"][: algorithm.dataset.size].amax()) > 0  # real frames, not zeros


RESUME = [
    *TINY,
    "policy.normalize_obs=true",
    "algorithm.dataset_size=100",
    "algorithm.batch_size=32",
]
"""64 decisions per iteration into a 100-decision FIFO: the third iteration wraps it."""


def test_resume_continues_identically(tmp_path: Path) -> None:
    def train(name: str, iterations: int) -> dict:
        run = tmp_path / name
        args = [*RESUME, f"runtime.iterations={iterations}", f"hydra.run.dir={run}"]
        with Trainer.from_overrides(args) as trainer:
            trainer.learn()
        return load_checkpoint(run / "checkpoints" / "last.pt")

    straight = train("straight", 3)
    train("first", 2)
    again = ["runtime.iterations=3"]
    with Trainer.load(tmp_path / "first", overrides=again, run_dir=tmp_path / "resumed") as trainer:
        trainer.learn()
    resumed = load_checkpoint(tmp_path / "resumed" / "checkpoints" / "last.pt")
    assert resumed["iteration"] == straight["iteration"] == 3
    for key, value in straight["policy"].items():
        assert torch.equal(value, resumed["policy"][key]), key
    ours, theirs = straight["algorithm"]["dataset"], resumed["algorithm"]["dataset"]
    assert torch.equal(ours["actions"], theirs["actions"])
    assert torch.equal(ours["obs"], theirs["obs"])
    assert ours["actions"].shape[0] == 100 and ours["position"] == theirs["position"] == 92
    assert torch.equal(straight["algorithm"]["generator"], resumed["algorithm"]["generator"])


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("capacity", [None, 600])
def test_collection_and_update_do_not_sync_on_a_gpu(capacity: int | None) -> None:
    from embodichain_rl.envs.push_cube import PushCubeEnv
    from embodichain_rl.policies import policy_space_kwargs

    device = torch.device("cuda")
    env = PushCubeEnv(num_envs=64, device="cuda", control_mode="ee_delta_pos")
    policy = ActorCritic(**policy_space_kwargs(env), normalize_obs=True)
    algo = BC(policy=policy, device=device, batch_size=128, n_epochs=2, dataset_size=capacity)
    algo.initialize_buffer(4, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    obs = algo.collect_rollout(env, obs)  # warm-up: the dataset's first allocation, Adam state
    algo.update()
    obs = algo.collect_rollout(env, obs)  # ... and its first growth
    algo.update()
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        algo.collect_rollout(env, obs)
        metrics = algo.update()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert all(v.device.type == "cuda" for v in metrics.values())
