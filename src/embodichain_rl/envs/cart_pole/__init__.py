"""CartPole (``CartPoleRL``): EmbodiChain's cart-pole balancing task, batched in pure PyTorch."""

from __future__ import annotations

from embodichain_rl.envs.cart_pole.config import CartPoleConfig
from embodichain_rl.envs.cart_pole.env import CartPoleEnv

__all__ = ["CartPoleConfig", "CartPoleEnv"]
