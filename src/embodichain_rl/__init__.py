"""embodichain_rl: a Hydra-composed RL experiment framework for embodied AI."""

from __future__ import annotations

__version__ = "0.1.0"
