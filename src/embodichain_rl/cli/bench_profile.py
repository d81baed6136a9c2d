"""``embodichain-bench profile``: where one PPO training iteration spends its time.

Builds the default ``train`` config at ``--num-envs`` (any Hydra override applies, e.g.
``runtime.compile=compile``), runs warm-up iterations (compilation included), then records
``--iterations`` iterations under ``torch.profiler`` and prints, per iteration:

- the phases PPO marks (:data:`embodichain_rl.algorithms.ppo.PROFILE_SCOPES`): host time
  inside each range and, on CUDA, the kernel time launched from it;
- the env step alone, timed separately over the same number of random-action steps (on
  the compiled path it is fused into ``rollout/step`` and cannot be split out there);
- the top operators by self time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile

from embodichain_rl.algorithms.ppo import PROFILE_SCOPES
from embodichain_rl.algorithms.ppo_config import minibatch_size
from embodichain_rl.cli.bench_train import (
    add_run_arguments,
    compose_config,
    framework_subject,
    sync,
)


def _device_us(event: object) -> float:
    """Kernel time of a profiler event in µs (the attribute name moved across versions)."""
    for name in ("device_time_total", "cuda_time_total"):
        value = getattr(event, name, None)
        if value is not None:
            return float(value)
    return 0.0


def run_profile(args: argparse.Namespace) -> int:
    """``embodichain-bench profile``."""
    from embodichain_rl.cli.bench import _device, _header

    if args.threads:
        torch.set_num_threads(args.threads)
    device = _device(args.device)
    cfg = compose_config(
        num_envs=args.num_envs,
        control_mode=args.control_mode,
        device=device,
        overrides=args.override,
    )
    steps = cfg.runtime.rollout_steps
    subject = framework_subject(cfg, device, env_steps=steps * max(args.iterations, 4))
    for _ in range(args.warmup):
        subject.rollout()
        subject.update()
    sync(device)
    activities = [ProfilerActivity.CPU]
    if device.type == "cuda":
        activities.append(ProfilerActivity.CUDA)
    with profile(activities=activities) as prof:
        start = time.perf_counter()
        for _ in range(args.iterations):
            subject.rollout()
            subject.update()
        sync(device)
        wall_ms = (time.perf_counter() - start) * 1e3 / args.iterations
    if args.trace is not None:
        prof.export_chrome_trace(str(args.trace))

    alg = cfg.algorithm
    print("One PPO iteration on PushCube, profiled (per iteration)")
    print(_header(device))
    print(
        f"num_envs={args.num_envs}, {steps} steps, {alg.n_epochs} epochs x minibatch "
        f"{minibatch_size(alg.num_minibatches, alg.batch_size, steps, args.num_envs)}, "
        f"runtime.compile={cfg.runtime.compile}; "
        f"{args.iterations} profiled after {args.warmup} warm-up iterations"
    )
    print(f"iteration wall time (profiler on): {wall_ms:.1f} ms")
    events = {e.key: e for e in prof.key_averages()}
    on_cuda = device.type == "cuda"
    print(
        f"  {'phase':<24} {'host ms':>9} {'share':>7}" + (f" {'kernel ms':>10}" if on_cuda else "")
    )
    inside = 0.0
    for scope in PROFILE_SCOPES.values():
        event = events.get(scope)
        host = event.cpu_time_total / 1e3 / args.iterations if event else 0.0
        inside += host
        kernel = f" {_device_us(event) / 1e3 / args.iterations:10.2f}" if on_cuda and event else ""
        name = scope.removeprefix("ppo/")
        print(f"  {name:<24} {host:9.2f} {host / wall_ms:7.1%}{kernel}")
    other = wall_ms - inside
    print(f"  {'other (outside ranges)':<24} {other:9.2f} {other / wall_ms:7.1%}")
    env_ms = subject.env_steps / subject.env_sps * 1e3
    print(f"  {'env step alone':<24} {env_ms:9.2f} {env_ms / wall_ms:7.1%}  (timed apart)")
    sort_key = "self_cuda_time_total" if device.type == "cuda" else "self_cpu_time_total"
    print(f"top {args.top} operators by self time (all profiled iterations):")
    print(prof.key_averages().table(sort_by=sort_key, row_limit=args.top))
    return 0


def add_profile(sub: argparse._SubParsersAction) -> None:
    """Register the ``profile`` subcommand."""
    p = sub.add_parser("profile", help="profile one PPO training iteration, phase by phase")
    p.add_argument("--num-envs", type=int, default=2048)
    p.add_argument("--iterations", type=int, default=3, help="profiled iterations")
    p.add_argument("--warmup", type=int, default=2, help="untimed iterations first")
    add_run_arguments(p)
    p.add_argument("--top", type=int, default=15, help="operators listed by self time")
    p.add_argument("--trace", type=Path, default=None, help="also write a Chrome trace here")
    p.set_defaults(func=run_profile)
