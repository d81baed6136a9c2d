"""``embodichain-bench train``: PPO training throughput of the framework against peers, per
``--num-envs``.

Peers (``--against``, one or more): ``reference``, a plain single-file reference loop
(:mod:`embodichain_rl.bench.reference_ppo`, shipped in the package), and ``rsl_rl``,
rsl_rl's PPO driven as its ``OnPolicyRunner`` drives it, through an adapter from our batched
env to its ``VecEnv`` (:mod:`embodichain_rl.bench.rsl_rl_peer`; needs the ``bench`` extra).

Every side runs PushCube with the default config's network (128-128 ELU actor and critic),
16 rollout steps and the default config's epochs and minibatches (4 epochs x 8 minibatches:
4,096 samples each at 2,048 envs). All run in one process, built side by side, their
iterations alternating (order flipped every round) so that background load on a shared
machine hits them alike. Warm-up iterations are excluded (they include compilation and graph
capture of the fast paths); each figure is the median over the timed iterations.
``--compile`` times the framework once per ``runtime.compile`` mode, each against the same
peers. The ratio lines divide the framework's end-to-end steps/s by each peer's (for rsl_rl
also rollout steps/s and update samples/s).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from hydra import compose, initialize_config_module
from omegaconf import DictConfig

from embodichain_rl.algorithms.ppo_config import minibatch_size
from embodichain_rl.bench import reference_ppo
from embodichain_rl.cli.app_args import UsageError
from embodichain_rl.config import register_configs
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.trainer.build import build_components
from embodichain_rl.trainer.episode_stats import EpisodeTracker
from embodichain_rl.trainer.run import seed_everything
from embodichain_rl.utils.compile import COMPILE_MODES
from embodichain_rl.utils.observations import observation_layout


@dataclass
class Figures:
    """Medians over the timed iterations of one implementation at one ``num_envs``."""

    env_sps: float
    """Env-only steps/s (random actions); NaN for the reference (same env, same figure)."""
    rollout_sps: float
    """Env steps/s of the rollout phase (policy + env + storage + GAE)."""
    update_s: float
    """Seconds per update (all epochs and minibatches, plus the per-iteration log read)."""
    update_samples_per_s: float
    """Samples processed per second by the update (epochs * minibatches * size / update_s)."""
    end_to_end_sps: float
    """Env steps/s of whole iterations (rollout + update)."""
    peak_mb: float
    """Peak memory over its own timed iterations (counter reset before each): CUDA max
    allocated, else process max RSS (which includes the other implementation and imports)."""


def compose_config(
    *, num_envs: int, control_mode: str, device: torch.device, overrides: list[str]
) -> DictConfig:
    """The default ``train`` config at ``num_envs``; the minibatch is capped at T*N."""
    register_configs()
    base = [
        f"env.num_envs={num_envs}",
        f"env.control_mode={control_mode}",
        f"runtime.device={device}",
        "logging.progress_bar=false",
        *overrides,
    ]
    with initialize_config_module("embodichain_rl.conf", version_base="1.3"):
        cfg = compose("train", base)
        total = cfg.runtime.rollout_steps * cfg.env.num_envs
        if cfg.algorithm.batch_size is not None and cfg.algorithm.batch_size > total:
            cfg = compose("train", [*base, f"algorithm.batch_size={total}"])
    return cfg


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def reset_peak(device: torch.device) -> None:
    """Restart the peak-memory counter (Linux: clear the RSS high-water mark)."""
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        return
    with contextlib.suppress(OSError):  # no reset: the figure is the process peak so far
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb(device: torch.device) -> float:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS, else KiB
    return maxrss / (2**20 if sys.platform == "darwin" else 2**10)


@dataclass
class Subject:
    """One implementation under test: the two halves of an iteration and its sizes."""

    name: str
    rollout: Callable[[], None]
    update: Callable[[], None]
    env_steps: int
    """Env steps collected per iteration (T * N)."""
    samples: int
    """Samples the update processes (epochs * minibatches * minibatch size)."""
    env_sps: float = math.nan
    """Env-only steps/s measured for it (NaN: not measured)."""


def time_interleaved(
    subjects: list[Subject], *, warmup: int, iterations: int, device: torch.device
) -> list[Figures]:
    """Run the subjects' iterations alternately (order flipped every round, so background
    load hits both alike); medians of the timed rounds and the peak memory of each
    subject's own iterations."""
    rows: list[list[tuple[float, float, float]]] = [[] for _ in subjects]
    peaks = [0.0 for _ in subjects]
    for i in range(warmup + iterations):
        order = list(range(len(subjects)))
        if i % 2:
            order.reverse()
        for k in order:
            subject = subjects[k]
            reset_peak(device)
            sync(device)
            start = time.perf_counter()
            subject.rollout()
            sync(device)
            mid = time.perf_counter()
            subject.update()
            sync(device)
            end = time.perf_counter()
            if i >= warmup:
                rows[k].append((mid - start, end - mid, end - start))
                peaks[k] = max(peaks[k], peak_mb(device))
    figures = []
    for subject, timed, peak in zip(subjects, rows, peaks, strict=True):
        r, u, e = (statistics.median(col) for col in zip(*timed, strict=True))
        figures.append(
            Figures(
                subject.env_sps,
                subject.env_steps / r,
                u,
                subject.samples / u,
                subject.env_steps / e,
                peak,
            )
        )
    return figures


def env_only_sps(env: EmbodiedEnv, steps: int, device: torch.device) -> float:
    """Env steps/s of ``env`` with uniform random actions (after 2 untimed steps)."""
    env.reset(seed=0)
    actions = torch.rand(steps + 2, env.num_envs, env.action_dim, device=device) * 2 - 1
    for t in range(2):
        env.step(actions[t])
    sync(device)
    start = time.perf_counter()
    for t in range(2, steps + 2):
        env.step(actions[t])
    sync(device)
    return env.num_envs * steps / (time.perf_counter() - start)


def framework_subject(
    cfg: DictConfig, device: torch.device, *, env_steps: int, name: str = "framework"
) -> Subject:
    """The framework's own PPO (built by ``build_components``) as the trainer runs it:
    ``collect_rollout`` with the episode tracker, ``update``, one host read per iteration.
    Its env's env-only rate is measured first over ``env_steps`` random-action steps."""
    seed_everything(cfg.runtime.seed)
    components = build_components(cfg, device)
    env, algorithm = components.env, components.algorithm
    steps, n = cfg.runtime.rollout_steps, env.num_envs
    env_sps = env_only_sps(env, env_steps, device)
    algorithm.initialize_buffer(steps, n, observation_layout(env), env.action_dim)
    tracker = EpisodeTracker(num_envs=n, device=device)
    state = {"obs": env.reset(seed=cfg.runtime.seed)[0]}

    def rollout() -> None:
        with torch.no_grad():
            state["obs"] = algorithm.collect_rollout(env, state["obs"], on_step=tracker.on_step)

    def update() -> None:
        with torch.enable_grad():
            losses = algorithm.update()
        torch.stack([v.detach().float().reshape(()) for v in losses.values()]).cpu()
        tracker.read()

    batch, epochs = algorithm.minibatch_size, cfg.algorithm.n_epochs
    samples = epochs * (steps * n // batch) * batch
    return Subject(name, rollout, update, steps * n, samples, env_sps)


def reference_subject(cfg: DictConfig, device: torch.device) -> Subject:
    """The reference loop with the same sizes and hyperparameters as ``cfg``."""
    alg = cfg.algorithm
    args = reference_ppo.Args(
        num_envs=cfg.env.num_envs,
        num_steps=cfg.runtime.rollout_steps,
        iterations=cfg.runtime.iterations,
        learning_rate=alg.learning_rate,
        update_epochs=alg.n_epochs,
        minibatch_size=minibatch_size(
            alg.num_minibatches, alg.batch_size, cfg.runtime.rollout_steps, cfg.env.num_envs
        ),
        gamma=alg.gamma,
        gae_lambda=alg.gae_lambda,
        clip_coef=alg.clip_coef,
        ent_coef=alg.ent_coef,
        vf_coef=alg.vf_coef,
        max_grad_norm=alg.max_grad_norm,
        hidden=int(cfg.policy.actor.hidden_sizes[0]),
        control_mode=cfg.env.control_mode,
        seed=cfg.runtime.seed,
        device=str(device),
    )
    ppo = reference_ppo.ReferencePPO(args)

    def update() -> None:
        with torch.enable_grad():
            ppo.update()

    steps = args.num_steps * args.num_envs
    samples = args.update_epochs * (steps // args.minibatch_size) * args.minibatch_size
    return Subject("reference", ppo.rollout, update, steps, samples)


PEERS = ("reference", "rsl_rl")
"""``--against`` choices: the implementations the framework is timed against."""


def peer_subject(name: str, cfg: DictConfig, device: torch.device) -> Subject:
    """The ``--against`` peer ``name`` built with ``cfg``'s sizes and hyperparameters."""
    if name == "reference":
        return reference_subject(cfg, device)
    if name == "rsl_rl":
        from embodichain_rl.bench.rsl_rl_peer import rsl_rl_subject

        return rsl_rl_subject(cfg, device)
    raise ValueError(f"unknown peer {name!r}; valid: {list(PEERS)}")


def check_peers(peers: list[str]) -> None:
    """Refuse, in one line, a peer whose optional dependencies are missing."""
    if "rsl_rl" in peers:
        from embodichain_rl.bench.rsl_rl_peer import MissingExtraError, require_rsl_rl

        try:
            require_rsl_rl()
        except MissingExtraError as error:
            raise UsageError(f"--against rsl_rl: {error}") from None


def _ratios(name: str, fw: Figures, peer_name: str, peer: Figures) -> str:
    line = f"  ratio {name}/{peer_name} end-to-end: {fw.end_to_end_sps / peer.end_to_end_sps:.3f}"
    if peer_name == "rsl_rl":
        line += (
            f"  rollout: {fw.rollout_sps / peer.rollout_sps:.3f}"
            f"  update (samples/s): {fw.update_samples_per_s / peer.update_samples_per_s:.3f}"
        )
    return line


def _row(name: str, f: Figures) -> str:
    env = "-" if math.isnan(f.env_sps) else f"{f.env_sps:,.0f}"
    return (
        f"  {name:<18} env {env:>9}  rollout {f.rollout_sps:>9,.0f}  "
        f"update {f.update_s * 1e3:7.1f} ms ({f.update_samples_per_s:>10,.0f} samples/s)  "
        f"end-to-end {f.end_to_end_sps:>9,.0f} steps/s  peak {f.peak_mb:7.0f} MB"
    )


def run_train(args: argparse.Namespace) -> int:
    """``embodichain-bench train``."""
    from embodichain_rl.cli.bench import _device, _header
    from embodichain_rl.cli.bench_tts import time_to_success

    if args.threads:
        torch.set_num_threads(args.threads)
    device = _device(args.device)
    peers = list(dict.fromkeys(args.against))
    check_peers(peers)
    print(f"PPO training throughput on PushCube: framework vs {', '.join(peers)} (env steps/s)")
    print(_header(device))
    print(f"median of {args.iterations} timed iterations after {args.warmup} warm-up iterations")
    for n in args.num_envs:
        configs = {
            mode: compose_config(
                num_envs=n,
                control_mode=args.control_mode,
                device=device,
                overrides=[*args.override, f"runtime.compile={mode}"],
            )
            for mode in args.compile
        }
        cfg = configs[args.compile[0]]
        alg, steps = cfg.algorithm, cfg.runtime.rollout_steps
        batch = minibatch_size(alg.num_minibatches, alg.batch_size, steps, n)
        print(f"num_envs={n}: {steps} steps x {n} envs, {alg.n_epochs} epochs x minibatch {batch}")
        names = [f"framework[{mode}]" for mode in args.compile]
        subjects = [
            framework_subject(
                configs[mode],
                device,
                env_steps=cfg.runtime.rollout_steps * args.iterations,
                name=name,
            )
            for mode, name in zip(args.compile, names, strict=True)
        ]
        subjects += [peer_subject(peer, cfg, device) for peer in peers]
        figures = time_interleaved(
            subjects, warmup=args.warmup, iterations=args.iterations, device=device
        )
        framework, others = figures[: len(names)], figures[len(names) :]
        for name, fw in zip(names, framework, strict=True):
            print(_row(name, fw))
        for peer, figure in zip(peers, others, strict=True):
            print(_row(peer, figure))
        for name, fw in zip(names, framework, strict=True):
            for peer, figure in zip(peers, others, strict=True):
                print(_ratios(name, fw, peer, figure))
    if args.time_to_success:
        overrides = [f"eval.freq={args.eval_freq}", *args.override, *args.tts_override]
        cfg = compose_config(
            num_envs=2048, control_mode=args.control_mode, device=device, overrides=overrides
        )
        result = time_to_success(cfg, device, target=args.target)
        if result.seconds is None:
            print(
                f"time to eval success >= {args.target}: not reached in "
                f"{result.total_seconds:.1f} s (best {result.best_success:.3f})"
            )
        else:
            print(
                f"time to eval success >= {args.target}: {result.seconds:.1f} s "
                f"({result.env_steps:,} env steps, evaluations every {cfg.eval.freq} "
                "iterations included)"
            )
    return 0


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The options every training benchmark shares: device, threads, control mode and
    Hydra overrides of the ``train`` config."""
    p.add_argument("--device", default="auto", help="auto | cpu | cuda[:i]")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    p.add_argument(
        "--control-mode", choices=("joint_delta_pos", "ee_delta_pos"), default="joint_delta_pos"
    )
    p.add_argument(
        "--override", nargs="*", default=[], help="extra Hydra overrides of the train config"
    )


def add_train(sub: argparse._SubParsersAction) -> None:
    """Register the ``train`` subcommand."""
    p = sub.add_parser("train", help="PPO training throughput: framework vs reference / rsl_rl")
    p.add_argument("--num-envs", type=int, nargs="+", default=[256, 1024, 2048, 4096])
    p.add_argument("--iterations", type=int, default=5, help="timed iterations (median)")
    p.add_argument("--warmup", type=int, default=2, help="untimed iterations first")
    add_run_arguments(p)
    p.add_argument(
        "--compile",
        nargs="+",
        choices=COMPILE_MODES,
        default=["none"],
        help="runtime.compile modes to time the framework in (each against every peer)",
    )
    p.add_argument(
        "--against",
        nargs="+",
        choices=PEERS,
        default=["reference"],
        help="peers timed alongside: the single-file reference loop and/or rsl_rl's PPO "
        "(rsl_rl needs the bench extra: pip install 'embodichain-rl[bench]')",
    )
    p.add_argument(
        "--time-to-success",
        action="store_true",
        help="also train the default config (2,048 envs) until eval success >= --target",
    )
    p.add_argument("--target", type=float, default=0.9, help="eval success rate to reach")
    p.add_argument("--eval-freq", type=int, default=5, help="iterations between evaluations")
    p.add_argument(
        "--tts-override",
        nargs="*",
        default=[],
        help="Hydra overrides for the time-to-success run only (e.g. runtime.iterations=50)",
    )
    p.set_defaults(func=run_train)
