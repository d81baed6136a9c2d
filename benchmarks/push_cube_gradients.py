"""Does PushCube's contact model give useful gradients? Autograd vs central differences.

For a batch of PushCube states (``ee_delta_pos`` control) this rolls ``--steps`` steps with
autograd on (the env's own step, ``PushCubeEnv._step``, outside its ``no_grad`` wrapper),
takes the gradient of the summed return with respect to every action, and compares it
with central finite differences of the same rollout (every env is independent, so one
perturbed rollout per action component serves the whole batch). Two settings:
``free`` (the TCP starts away from the cube: only the reaching term depends on the actions)
and ``contact`` (the TCP starts just behind the cube and pushes it toward the goal).

    python benchmarks/push_cube_gradients.py --envs 64 --steps 5 --eps 1e-2 1e-3
    python benchmarks/push_cube_gradients.py --envs 64 --steps 5 --eps 1e-2 1e-3 --safe-sqrt

``--safe-sqrt`` measures what the gradient would be with the two square roots at zero made
safe (the cube's speed at rest, the sphere-square distance inside the footprint): without
it every gradient is NaN.

Prints, per setting and per finite-difference step: the fraction of envs whose autograd
gradient is not finite (NaN / inf), then over the other envs the median and 90th percentile over
envs of the relative error |g_ad - g_fd| / |g_fd|, the median cosine similarity, and the
fraction of envs whose autograd gradient points the other way (cosine < 0).
"""

from __future__ import annotations

import argparse
from typing import Any

import torch

from embodichain_rl.envs.push_cube import PushCubeEnv
from embodichain_rl.envs.push_cube import contact as contact_module
from embodichain_rl.envs.push_cube.rewards import push_point


class _SafeSqrt(torch.autograd.Function):
    """sqrt whose derivative at 0 is 0 instead of inf (inf * 0 = NaN in the chain rule)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        root = torch.sqrt(x)
        ctx.save_for_backward(root)
        return root

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (root,) = ctx.saved_tensors
        return torch.where(root > 1e-12, grad / (2.0 * root.clamp_min(1e-12)), 0.0)


class _TorchWithSafeSqrt:
    """``torch`` as the contact module sees it, with ``sqrt`` replaced (``--safe-sqrt``)."""

    def __getattr__(self, name: str) -> Any:
        return _SafeSqrt.apply if name == "sqrt" else getattr(torch, name)


def make_env(num_envs: int, setting: str, seed: int) -> tuple[PushCubeEnv, dict]:
    """A PushCube batch in ``setting`` (``free`` or ``contact``) and its saved state."""
    env = PushCubeEnv(num_envs=num_envs, control_mode="ee_delta_pos", max_episode_steps=None)
    env.reset(seed=seed)
    if setting == "contact":
        behind = push_point(env.cube, env.goal, env.cfg)
        away = behind[:, :2] - env.cube[:, :2]
        away = away / away.norm(dim=-1, keepdim=True)
        gap = env.cfg.cube_half_size + env.cfg.tcp_radius + 0.002  # 2 mm from touching
        xy = env.cube[:, :2] + gap * away
        env.tcp = torch.cat((xy, torch.full_like(xy[:, :1], env.cfg.cube_half_size)), dim=-1)
    return env, env.state_dict()


def base_actions(env: PushCubeEnv, steps: int, setting: str, seed: int) -> torch.Tensor:
    """``[steps, N, 3]`` actions: toward the cube centre when in contact (a push), random
    in the free setting; both with noise."""
    noise = torch.randn(steps, env.num_envs, 3, generator=torch.Generator().manual_seed(seed))
    if setting == "free":
        return (0.5 * noise).clamp(-0.9, 0.9)
    push = env.cube[:, :2] - env.tcp[:, :2]
    push = push / push.norm(dim=-1, keepdim=True)
    direction = torch.cat((push, torch.zeros_like(push[:, :1])), dim=-1)
    return (0.8 * direction + 0.1 * noise).clamp(-0.9, 0.9)


def rollout_return(env: PushCubeEnv, state: dict, actions: torch.Tensor) -> torch.Tensor:
    """Per-env return ``[N]`` of ``actions`` from ``state`` (autograd follows the actions)."""
    env.load_state_dict(state)
    total = torch.zeros(env.num_envs)
    for action in actions:
        total = total + env._step(action)[1]
    return total


def compare(env: PushCubeEnv, state: dict, actions: torch.Tensor, eps: float) -> dict:
    """Autograd vs central-difference gradients of the per-env return."""
    actions = actions.clone().requires_grad_(True)
    rollout_return(env, state, actions).sum().backward()
    analytic = actions.grad.detach()
    numeric = torch.zeros_like(analytic)
    with torch.no_grad():
        for t in range(actions.shape[0]):
            for k in range(actions.shape[2]):
                bumped = actions.detach().clone()
                bumped[t, :, k] += eps
                plus = rollout_return(env, state, bumped)
                bumped[t, :, k] -= 2 * eps
                minus = rollout_return(env, state, bumped)
                numeric[t, :, k] = (plus - minus) / (2 * eps)
    a = analytic.permute(1, 0, 2).reshape(env.num_envs, -1)
    n = numeric.permute(1, 0, 2).reshape(env.num_envs, -1)
    finite = torch.isfinite(a).all(dim=-1)
    a, n = a[finite], n[finite]
    rel = (a - n).norm(dim=-1) / n.norm(dim=-1).clamp_min(1e-12)
    cos = torch.nn.functional.cosine_similarity(a, n, dim=-1)
    return {
        "nonfinite_envs": 1.0 - finite.float().mean().item(),
        "rel_err_median": rel.median().item() if rel.numel() else float("nan"),
        "rel_err_p90": rel.quantile(0.9).item() if rel.numel() else float("nan"),
        "cosine_median": cos.median().item() if cos.numel() else float("nan"),
        "wrong_direction": (cos < 0).float().mean().item() if cos.numel() else float("nan"),
        "fd_grad_norm_median": n.norm(dim=-1).median().item() if n.numel() else float("nan"),
    }


def main() -> None:
    """Parse the options, measure both settings, print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, default=64)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--eps", type=float, nargs="+", default=[1e-2, 1e-3])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--safe-sqrt",
        action="store_true",
        help="give the contact model's square roots a 0 derivative at 0 (this run only)",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.safe_sqrt:
        contact_module.torch = _TorchWithSafeSqrt()  # type: ignore[assignment]
    for setting in ("free", "contact"):
        env, state = make_env(args.envs, setting, args.seed)
        actions = base_actions(env, args.steps, setting, args.seed)
        for eps in args.eps:
            stats = compare(env, state, actions, eps)
            shown = ", ".join(f"{key} {value:.3g}" for key, value in stats.items())
            print(f"{setting:8s} eps={eps:g}: {shown}", flush=True)


if __name__ == "__main__":
    main()
