"""``embodichain-bench``: throughput and task-sanity benchmarks (subcommands).

- ``env``: env-only steps/s with uniform random actions, per ``--num-envs`` (``--env``
  PushCubeRL or PushCubeMuJoCo, ``--backend`` mujoco | mujoco_warp for the latter).
- ``train``: PPO training throughput, framework vs a single-file reference loop
  (:mod:`embodichain_rl.cli.bench_train`).
- ``profile``: one training iteration under ``torch.profiler``, phase by phase
  (:mod:`embodichain_rl.cli.bench_profile`).
- ``algorithms``: env steps and wall time to an eval success rate, and update throughput, of
  several presets side by side (SAC, TD3, PPO; :mod:`embodichain_rl.cli.bench_algorithms`).
- ``suite``: tasks x algorithms x seeds from a suite spec, per-cell and aggregate results
  (medians and IQMs with bootstrap intervals), tables, CSV/JSON and plots
  (:mod:`embodichain_rl.cli.bench_suite`).
- ``pushes``: the same scripted TCP pushes on both PushCube engines, where the cube ends up
  (:mod:`embodichain_rl.envs.push_cube_mujoco.pushes`).
- ``scripted``: success rates of the scripted controller and of a uniform random policy over
  seeded episodes (first episode of every env in one batch), on either PushCube engine.

Add a subcommand by writing ``_add_<name>(subparsers)`` that sets ``func`` and listing it in
``SUBCOMMANDS``.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable, Sequence

import torch

from embodichain_rl.cli.app_args import EXIT_BAD_INPUT, UsageError, parse_device
from embodichain_rl.cli.bench_algorithms import add_algorithms
from embodichain_rl.cli.bench_profile import add_profile
from embodichain_rl.cli.bench_suite import add_suite
from embodichain_rl.cli.bench_train import add_train
from embodichain_rl.envs import EmbodiedEnv, make_env
from embodichain_rl.envs.push_cube import scripted_action
from embodichain_rl.envs.push_cube_mujoco import BACKENDS
from embodichain_rl.envs.push_cube_mujoco.engines import engine_problem

CONTROL_MODES = ("joint_delta_pos", "ee_delta_pos")
PUSH_CUBE_ENVS = ("PushCubeRL", "PushCubeMuJoCo")


def _push_cube(args: argparse.Namespace, device: torch.device, **kwargs: object) -> EmbodiedEnv:
    """The PushCube env ``--env`` / ``--backend`` name, on ``device``."""
    if args.env == "PushCubeMuJoCo":
        kwargs["backend"] = args.backend
    return make_env(args.env, device=device, **kwargs)


def _env_label(args: argparse.Namespace) -> str:
    return f"{args.env} (backend={args.backend})" if args.env == "PushCubeMuJoCo" else args.env


def _check_engine(args: argparse.Namespace, device: torch.device) -> None:
    """Refuse a MuJoCo run whose engine is missing or cannot use ``device``, in one line."""
    if args.env != "PushCubeMuJoCo":
        return
    problem = engine_problem(args.backend, device)
    if problem is not None:
        raise UsageError(problem.replace("env.backend", "--backend"))


def _device(name: str) -> torch.device:
    """``--device`` as a torch device (``auto``: CUDA when available, else CPU)."""
    return parse_device(name, key="--device")


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _header(device: torch.device) -> str:
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    return (
        f"device={device} ({name or platform.machine()}) torch={torch.__version__} "
        f"threads={torch.get_num_threads()}"
    )


def bench_env(args: argparse.Namespace, *, num_envs: int, device: torch.device) -> float:
    """Env-only steps/s (num_envs * steps / seconds) with uniform random actions."""
    steps, warmup = args.steps, args.warmup
    env = _push_cube(args, device, num_envs=num_envs, control_mode=args.control_mode)
    env.reset(seed=0)
    gen = torch.Generator(device=device).manual_seed(0)
    actions = torch.rand(warmup + steps, num_envs, env.action_dim, generator=gen, device=device)
    actions = actions * 2 - 1
    for t in range(warmup):
        env.step(actions[t])
    _sync(device)
    start = time.perf_counter()
    for t in range(warmup, warmup + steps):
        env.step(actions[t])
    _sync(device)
    elapsed = time.perf_counter() - start
    env.close()
    return num_envs * steps / elapsed


def run_env(args: argparse.Namespace) -> int:
    """``embodichain-bench env``."""
    if args.threads:
        torch.set_num_threads(args.threads)
    device = _device(args.device)
    _check_engine(args, device)
    print(f"{_env_label(args)} env-only throughput, control_mode={args.control_mode}")
    print(_header(device))
    print(f"best and median of {args.repeats} runs of {args.steps} steps each")
    for n in args.num_envs:
        rates = sorted(bench_env(args, num_envs=n, device=device) for _ in range(args.repeats))
        best, median = rates[-1], rates[len(rates) // 2]
        print(
            f"num_envs={n:>6}  best {best:>11,.0f} env steps/s ({n / best * 1e3:6.2f} ms/step)"
            f"  median {median:>11,.0f}"
        )
    return 0


def success_rate(
    args: argparse.Namespace, *, control_mode: str, policy: str, device: torch.device
) -> float:
    """Fraction of ``args.episodes`` seeded first episodes that reach the goal."""
    episodes, seed = args.episodes, args.seed
    env = _push_cube(args, device, num_envs=episodes, control_mode=control_mode)
    obs, _ = env.reset(seed=seed)
    gen = torch.Generator(device=device).manual_seed(seed)
    success = torch.zeros(episodes, dtype=torch.bool, device=device)
    finished = torch.zeros_like(success)
    for _ in range(env.max_episode_steps or 100):
        if policy == "scripted":
            action = scripted_action(obs, env.layout, env.cfg)
        else:
            action = torch.rand(episodes, env.action_dim, generator=gen, device=device) * 2 - 1
        obs, _, terminated, truncated, info = env.step(action)
        success |= info["metrics"]["success"] & ~finished
        finished |= terminated | truncated
    env.close()
    return float(success.float().mean())


def run_scripted(args: argparse.Namespace) -> int:
    """``embodichain-bench scripted``."""
    device = _device(args.device)
    _check_engine(args, device)
    print(f"{_env_label(args)} success over {args.episodes} seeded episodes (seed={args.seed})")
    print(_header(device))
    for mode in args.control_mode:
        for policy in ("scripted", "random"):
            rate = success_rate(args, control_mode=mode, policy=policy, device=device)
            print(f"{mode:<16} {policy:<9} success={rate:6.1%}")
    return 0


def _add_env_choice(p: argparse.ArgumentParser) -> None:
    p.add_argument("--env", choices=PUSH_CUBE_ENVS, default="PushCubeRL", help="PushCube engine")
    p.add_argument(
        "--backend", choices=BACKENDS, default="mujoco", help="PushCubeMuJoCo's engine backend"
    )


def _add_env(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("env", help="env-only steps/s with random actions")
    p.add_argument("--num-envs", type=int, nargs="+", default=[256, 1024, 4096])
    p.add_argument("--steps", type=int, default=200, help="timed steps per batch size")
    p.add_argument("--warmup", type=int, default=10, help="untimed steps first")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per batch size")
    p.add_argument("--control-mode", choices=CONTROL_MODES, default="joint_delta_pos")
    p.add_argument("--device", default="auto", help="auto | cpu | cuda[:i]")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    _add_env_choice(p)
    p.set_defaults(func=run_env)


def _add_scripted(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scripted", help="scripted-controller and random-policy success rates")
    p.add_argument("--episodes", type=int, default=1000)
    p.add_argument("--control-mode", choices=CONTROL_MODES, nargs="+", default=list(CONTROL_MODES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto | cpu | cuda[:i]")
    _add_env_choice(p)
    p.set_defaults(func=run_scripted)


def run_pushes(args: argparse.Namespace) -> int:
    """``embodichain-bench pushes``."""
    from embodichain_rl.envs.push_cube_mujoco.pushes import report

    problem = engine_problem("mujoco", torch.device("cpu"))
    if problem is not None:
        raise UsageError(problem)
    print("cube displacement (cm) and yaw (deg) after the same TCP motion, ee_delta_pos, CPU")
    print(report())
    return 0


def _add_pushes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pushes", help="the same scripted pushes on PushCubeRL and PushCubeMuJoCo")
    p.set_defaults(func=run_pushes)


SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_env,
    _add_scripted,
    _add_pushes,
    add_train,
    add_profile,
    add_algorithms,
    add_suite,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``embodichain-bench`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="embodichain-bench", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point."""
    args = build_parser().parse_args(argv)
    try:
        _device(getattr(args, "device", "cpu"))
        with torch.no_grad():
            return int(args.func(args))
    except UsageError as error:
        print(f"embodichain-bench {args.command}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
