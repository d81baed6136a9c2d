"""Scripted-expert success on PushCubeLanguage, and the instruction-blind caps.

For each (task, num_targets) it runs ``--num-envs`` envs until every env has finished its
first episode (seeded, one decision per step, ``action_chunk=1``) and reports the fraction
that succeeded, for the expert aimed at:

- ``named``: the disc the instruction names (the behaviour-cloning label);
- ``random``: a uniformly random disc of the episode (an instruction-blind policy, ~1/k);
- ``slot0``: always the disc in slot 0 (a blind policy that fixed one slot).

    python benchmarks/language_expert.py --num-envs 256
"""

from __future__ import annotations

import argparse
import time

import torch

from embodichain_rl.envs import PushCubeLanguageEnv, make_env


def first_episode_success(env: PushCubeLanguageEnv, aim: str, seed: int) -> float:
    """Fraction of envs whose first episode succeeded with the expert aimed per ``aim``."""
    n, k = env.num_envs, env.cfg.num_targets
    gen = torch.Generator().manual_seed(seed)
    env.reset(seed=seed)
    decoy = torch.randint(0, k, (n,), generator=gen)
    finished = torch.zeros(n, dtype=torch.bool)
    success = torch.zeros(n, dtype=torch.bool)
    rows = torch.arange(n)
    for _ in range(env.max_episode_steps):
        if aim == "named":
            goal = None
        else:
            slot = decoy if aim == "random" else torch.zeros_like(decoy)
            goal = env.discs[rows, slot]
        _, _, terminated, truncated, info = env.step(env.expert_action(goal))
        done = terminated | truncated
        success |= done & ~finished & info["metrics"]["success"]
        finished |= done
        if bool(finished.all()):
            break
    return float(success.float().mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-envs", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(2)
    print("| task | k | named | random disc | slot 0 | 1/k | seconds |")
    print("|---|---|---|---|---|---|---|")
    for task in ("push", "reach"):
        for k in (2, 3):
            start = time.perf_counter()
            env = make_env("PushCubeLanguage", num_envs=args.num_envs, task=task, num_targets=k)
            assert isinstance(env, PushCubeLanguageEnv)
            rates = [
                first_episode_success(env, aim, args.seed) for aim in ("named", "random", "slot0")
            ]
            took = time.perf_counter() - start
            cells = " | ".join(f"{r:.3f}" for r in rates)
            print(f"| {task} | {k} | {cells} | {1 / k:.3f} | {took:.0f} |")


if __name__ == "__main__":
    main()
