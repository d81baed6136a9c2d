"""Counter-based per-env random numbers: uniform = hash(seed, env, episode, draw).

A stateless 32-bit integer hash on int64 tensors: the draws of env ``i`` in episode ``k`` are a
pure function of (seed, i, k, draw index), so they never depend on ``num_envs``, on the other
envs, or on how many times anything else was sampled; nothing synchronises with the host.
Multipliers stay below 2**31 so every product of two 32-bit values fits in a signed int64.
"""

from __future__ import annotations

import torch

_MASK = 0xFFFFFFFF
_M1 = 0x7FEB352D
_M2 = 0x5BD1E995
_GOLDEN = 0x1E3779B9


def mix32(x: torch.Tensor) -> torch.Tensor:
    """Avalanche a tensor of non-negative int64 values below 2**32 into 32-bit hashes."""
    x = x & _MASK
    x = x ^ (x >> 16)
    x = (x * _M1) & _MASK
    x = x ^ (x >> 15)
    x = (x * _M2) & _MASK
    x = x ^ (x >> 16)
    return x


def uniform(
    seed: torch.Tensor, env_index: torch.Tensor, episode: torch.Tensor, num_draws: int
) -> torch.Tensor:
    """Uniform floats in [0, 1), shape ``[N, num_draws]``.

    ``seed`` is an int64 scalar tensor, ``env_index`` and ``episode`` int64 ``[N]``.
    """
    draws = torch.arange(num_draws, device=env_index.device, dtype=torch.int64)
    h = mix32(seed + _GOLDEN)
    h = mix32(h ^ (env_index & _MASK))
    h = mix32(h ^ ((env_index >> 32) * _GOLDEN & _MASK))
    h = mix32(h ^ (episode & _MASK))
    h = mix32(h[:, None] ^ (draws * _GOLDEN & _MASK)[None, :])
    return (h >> 8).to(torch.float32) * (1.0 / 16777216.0)


def scale(u: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """Map uniforms in [0, 1) to [low, high)."""
    return low + (high - low) * u
