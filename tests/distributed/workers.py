"""Worker functions run by ``torch.multiprocessing.spawn`` in the 2-process gloo tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from hydra import compose, initialize_config_module

from embodichain_rl.algorithms.normalization import ReturnScaler
from embodichain_rl.algorithms.ppo import PPO
from embodichain_rl.config import register_configs
from embodichain_rl.distributed import SINGLE_PROCESS, DistributedContext, rank_seed
from embodichain_rl.distributed.launch import join_process_group, leave_process_group
from embodichain_rl.policies.actor_critic import ActorCritic
from embodichain_rl.trainer.build import Components, build_components

WORLD_SIZE = 2
T, N_PER_RANK, OBS_DIM, ACTION_DIM = 5, 3, 3, 2
"""Shape of the fixed rollout each rank feeds into its buffer."""


def leave() -> None:
    """Leave the group together; the group must really be freed (a group that outlives
    ``destroy_process_group`` keeps gloo threads that can abort the worker at exit)."""
    if not leave_process_group():
        raise RuntimeError("the process group outlived destroy_process_group")


def join(rank: int, store: Path) -> DistributedContext:
    """One CPU thread, then join the 2-process gloo group through a file store."""
    torch.set_num_threads(1)
    join_process_group(
        backend="gloo",
        init_method=f"file://{store}",
        rank=rank,
        world_size=WORLD_SIZE,
        timeout=timedelta(seconds=60),
    )
    return DistributedContext(
        rank=rank, world_size=WORLD_SIZE, local_rank=rank, device=torch.device("cpu")
    )


def flat_state(module: torch.nn.Module) -> torch.Tensor:
    """Every parameter and buffer, flattened into one float64 vector."""
    return torch.cat(
        [t.detach().reshape(-1).double() for t in [*module.parameters(), *module.buffers()]]
    )


def train_on_rank(
    ctx: DistributedContext, overrides: list[str], rollout_steps: int, iterations: int
) -> tuple[Components, torch.Tensor]:
    """Build the ``train`` config with ``overrides`` through the run's builder with a
    per-rank seed (rank 0's weights are broadcast), then collect ``rollout_steps`` steps
    and update, ``iterations`` times. The built parts and the policy's state after the
    broadcast, before training."""
    rank = ctx.rank
    torch.manual_seed(rank_seed(0, rank))  # different initial weights before the broadcast
    register_configs()
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        cfg = compose(config_name="train", overrides=[*overrides, "runtime.seed=0"])
    parts = build_components(cfg, torch.device("cpu"), ctx)
    env, algorithm = parts.env, parts.algorithm
    algorithm.initialize_buffer(rollout_steps, env.num_envs, env.obs_dim, env.action_dim)
    initial = flat_state(parts.policy)
    obs, _ = env.reset(seed=rank_seed(0, rank))
    for _ in range(iterations):
        obs = algorithm.collect_rollout(env, obs)
        algorithm.update()
    return parts, initial


def gather_on_rank_zero(rank: int, out_dir: Path, mine: dict[str, torch.Tensor]) -> None:
    """Save every rank's ``mine`` (in rank order) to ``out_dir/gathered.pt``, then leave."""
    gathered: list[dict[str, torch.Tensor] | None] = [None] * WORLD_SIZE
    dist.gather_object(mine, gathered if rank == 0 else None, dst=0)
    if rank == 0:
        torch.save(gathered, out_dir / "gathered.pt")
    leave()


def train_several_updates(rank: int, out_dir: Path) -> None:
    """PushCube PPO, three iterations: both ranks' states and rollout checksums."""
    ctx = join(rank, out_dir / "store")
    overrides = [
        "env.num_envs=4",
        "policy.normalize_obs=true",
        "algorithm.num_minibatches=2",
        "algorithm.n_epochs=2",
        "algorithm.target_kl=0.02",
        "algorithm.normalize_reward=true",
        "algorithm.normalize_value=true",
    ]
    parts, initial = train_on_rank(ctx, overrides, rollout_steps=4, iterations=3)
    buffer = parts.algorithm.buffer
    assert buffer is not None
    mine = {
        "state": flat_state(parts.policy),
        "initial": initial,
        "rollout": buffer.obs.double().sum().reshape(1),
    }
    gather_on_rank_zero(rank, out_dir, mine)


def train_off_policy(rank: int, out_dir: Path, experiment: str) -> None:
    """``+experiment=EXPERIMENT`` (SAC or TD3 on PushCube, normalised observations), six
    iterations with gradient steps: both ranks' states, replay checksums and warm-up
    actions."""
    ctx = join(rank, out_dir / "store")
    overrides = [
        f"+experiment={experiment}",
        "+debug=smoke_off_policy",
        "env.num_envs=4",
        "policy.normalize_obs=true",
        "runtime.rollout_steps=2",
    ]
    parts, initial = train_on_rank(ctx, overrides, rollout_steps=2, iterations=6)
    algorithm: Any = parts.algorithm
    buffer = algorithm.buffer
    assert buffer is not None
    normalizer = parts.policy.observation_normalizer()
    assert normalizer is not None
    mine = {
        "state": flat_state(parts.policy),
        "target": flat_state(algorithm.target_critic),
        "initial": initial,
        "replay": buffer.obs.double().sum().reshape(1),
        "warmup_actions": buffer.actions[0].clone(),
        "normalizer_count": normalizer.count.clone(),
        "gradient_steps": torch.tensor(algorithm.gradient_steps),
        "transitions": torch.tensor(algorithm.env_steps),
    }
    gather_on_rank_zero(rank, out_dir, mine)


@dataclass
class Rollout:
    """A fixed rollout of ``T`` steps over some envs."""

    obs: torch.Tensor
    actions: torch.Tensor
    rewards: torch.Tensor
    dones: torch.Tensor
    next_obs: torch.Tensor

    def envs(self, start: int, stop: int) -> Rollout:
        """The columns of envs ``start .. stop - 1``."""
        return Rollout(
            self.obs[:, start:stop],
            self.actions[:, start:stop],
            self.rewards[:, start:stop],
            self.dones[:, start:stop],
            self.next_obs[start:stop],
        )


def fixed_rollout() -> Rollout:
    """Both ranks' data, ``[T, WORLD_SIZE * N_PER_RANK, ...]`` (rank r owns its N columns)."""
    g = torch.Generator().manual_seed(7)
    n = WORLD_SIZE * N_PER_RANK
    return Rollout(
        obs=torch.randn(T, n, OBS_DIM, generator=g) * 2.0 + 1.0,
        actions=torch.randn(T, n, ACTION_DIM, generator=g),
        rewards=torch.randn(T, n, generator=g),
        dones=torch.rand(T, n, generator=g) < 0.2,
        next_obs=torch.randn(n, OBS_DIM, generator=g),
    )


def one_update(data: Rollout, ctx: DistributedContext = SINGLE_PROCESS) -> dict[str, torch.Tensor]:
    """Same initial policy everywhere; feed ``data`` into the buffer as a rollout would,
    then one PPO update with one minibatch per epoch on standardised value targets (which
    folds every rank's returns into the value statistics first and every rank's
    observations into the normaliser after)."""
    torch.manual_seed(123)
    policy = ActorCritic(
        obs_dim=OBS_DIM,
        action_dim=ACTION_DIM,
        actor={"hidden_sizes": [16]},
        critic={"hidden_sizes": [16]},
        normalize_obs=True,
    )
    steps, envs = data.rewards.shape
    algorithm = PPO(
        policy=policy,
        device="cpu",
        learning_rate=1e-2,
        n_epochs=3,
        num_minibatches=1,
        max_grad_norm=0.5,
        seed=0,
        normalize_value=True,
        distributed=ctx,
    )
    algorithm.initialize_buffer(steps, envs, OBS_DIM, ACTION_DIM)
    assert algorithm.buffer is not None
    with torch.no_grad():
        for t in range(steps):
            log_prob, _, value = policy.evaluate_actions(data.obs[t], data.actions[t])
            algorithm.buffer.add(
                obs=data.obs[t],
                actions=data.actions[t],
                log_probs=log_prob,
                rewards=data.rewards[t],
                dones=data.dones[t],
                values=value,
            )
        algorithm._compute_advantages(policy.get_value(data.next_obs))
    algorithm.update()
    return {
        "params": torch.cat([p.detach().reshape(-1) for p in policy.parameters()]),
        "grads": torch.cat([p.grad.reshape(-1) for p in policy.parameters() if p.grad is not None]),
        "normalizer": torch.cat([b.reshape(-1).double() for b in policy.buffers()]),
        "value_stats": _stats(algorithm.value_normalizer.stats),
    }


def _stats(module: torch.nn.Module) -> torch.Tensor:
    return torch.cat([b.reshape(-1).double() for b in module.buffers()])


def scale_rewards(
    data: Rollout, ctx: DistributedContext = SINGLE_PROCESS
) -> dict[str, torch.Tensor]:
    """``data``'s rewards through a return scaler (gamma 0.9, clip 2), step by step."""
    scaler = ReturnScaler(
        num_envs=data.rewards.shape[1],
        gamma=0.9,
        clip=2.0,
        device=torch.device("cpu"),
        distributed=ctx,
    )
    scaled = torch.stack([scaler(r, d) for r, d in zip(data.rewards, data.dones, strict=True)])
    return {"scaled": scaled, "returns": scaler.returns.clone(), "stats": _stats(scaler.stats)}


def scale_own_slice(rank: int, out_dir: Path) -> None:
    """Rank ``rank`` scales its own envs' rewards of the fixed rollout."""
    ctx = join(rank, out_dir / "store")
    mine = fixed_rollout().envs(rank * N_PER_RANK, (rank + 1) * N_PER_RANK)
    torch.save(scale_rewards(mine, ctx), out_dir / f"rank{rank}.pt")
    leave()


def update_on_own_slice(rank: int, out_dir: Path) -> None:
    """Rank ``rank`` updates from its own envs' columns of the fixed rollout."""
    ctx = join(rank, out_dir / "store")
    mine = fixed_rollout().envs(rank * N_PER_RANK, (rank + 1) * N_PER_RANK)
    torch.save(one_update(mine, ctx), out_dir / f"rank{rank}.pt")
    leave()
