"""Time and size the VLA policy on PushCubeLanguage (docs/vla.md, Throughput and memory).

Usage: ``python benchmarks/vla_throughput.py [--envs 128] [--device cpu|cuda]
[--size tiny|small] [--model-path DIR] [--chunk 4] [--batch 256] [--repeats 5]``.
It builds ``make_env("PushCubeLanguage", ...)`` and ``VLAPolicy`` on the device and
reports, after one warm-up each: rollout decisions per second (``get_action`` plus one
chunked ``env.step``, no gradients), update samples per second (``evaluate_actions`` of a
``--batch`` minibatch, backward, Adam step), the parameter count, and the peak memory
(CUDA: ``max_memory_allocated``; CPU: the process's peak resident set size).
``--size tiny`` is the presets' model and camera (24 x 24); ``--size small`` a 0.5 B-class
shape (hidden 896, 24 layers, SigLIP-base vision tower at 224 px, Qwen2-0.5B's widths)
built randomly, for GPU measurements.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from typing import Any

import torch

from embodichain_rl.envs import make_env
from embodichain_rl.policies.vla import VLAPolicy
from embodichain_rl.trainer.build import policy_spec_of

SIZES: dict[str, dict[str, int]] = {
    "tiny": {"patch_size": 6},  # the presets' model: 16 image tokens at 24 x 24
    "small": {
        "hidden_size": 896,
        "num_layers": 24,
        "num_heads": 14,
        "intermediate_size": 4864,
        "vision_hidden_size": 768,
        "vision_layers": 12,
        "vision_heads": 12,
        "vision_intermediate_size": 3072,
        "patch_size": 16,
    },
}
"""Random backbone shapes: the CPU default, and a real small-VLA shape (GPU)."""


def build(args: argparse.Namespace) -> tuple[Any, VLAPolicy]:
    """The env and the policy on ``args.device``."""
    side = 224 if args.size == "small" else 24
    env = make_env(
        "PushCubeLanguage",
        num_envs=args.envs,
        device=args.device,
        action_chunk=args.chunk,
        camera={"width": side, "height": side},
    )
    spec = policy_spec_of(env, {"_target_": "embodichain_rl.policies.VLAPolicy"})
    options: dict[str, Any] = {"action_bins": 32, "critic": "pooled"}
    if args.model_path:
        options["model_path"] = args.model_path
    else:
        options["tiny"] = SIZES[args.size]
    policy = VLAPolicy(**spec, **options).to(args.device)
    return env, policy


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def time_rollout(env: Any, policy: VLAPolicy, repeats: int, device: str) -> float:
    """Decisions per second of acting and stepping every env."""
    obs, _ = env.reset(seed=0)
    with torch.no_grad():
        action, _, _ = policy.get_action(obs)
        obs = env.step(action)[0]
        sync(device)
        start = time.perf_counter()
        for _ in range(repeats):
            action, _, _ = policy.get_action(obs)
            obs = env.step(action)[0]
        sync(device)
    return repeats * env.num_envs / (time.perf_counter() - start)


def time_update(env: Any, policy: VLAPolicy, batch: int, repeats: int, device: str) -> float:
    """Samples per second of a PPO-style forward, backward and Adam step."""
    obs, _ = env.reset(seed=0)
    rows = torch.arange(batch, device=env.device) % env.num_envs
    obs = {key: value[rows] for key, value in obs.items()}
    with torch.no_grad():
        actions, _, _ = policy.get_action(obs)
    optimizer = torch.optim.Adam([p for p in policy.parameters() if p.requires_grad], lr=1e-5)

    def step() -> None:
        log_prob, entropy, value = policy.evaluate_actions(obs, actions)
        loss = -(log_prob.mean()) + value.square().mean() - 0.01 * entropy.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    step()
    sync(device)
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    sync(device)
    return repeats * batch / (time.perf_counter() - start)


def peak_memory_mib(device: str) -> float:
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, default=128)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--model-path", default=None)
    parser.add_argument("--chunk", type=int, default=4)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    env, policy = build(args)
    result = {
        "device": args.device,
        "size": args.model_path or args.size,
        "parameters": policy.num_parameters(),
        "envs": args.envs,
        "chunk": args.chunk,
        "rollout_decisions_per_s": round(time_rollout(env, policy, args.repeats, args.device), 2),
        "rollout_env_steps_per_s": None,
        "update_samples_per_s": round(
            time_update(env, policy, args.batch, args.repeats, args.device), 2
        ),
        "peak_memory_mib": round(peak_memory_mib(args.device)),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    result["rollout_env_steps_per_s"] = round(result["rollout_decisions_per_s"] * args.chunk, 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
