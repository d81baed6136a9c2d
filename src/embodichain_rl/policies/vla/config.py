"""``VLAConfig``: every option of the vision-language-action policy, written once.

``VLAPolicy(**options)`` builds this dataclass, and the Hydra ``policy=vla`` schema reuses it
(``conf/policy/vla.yaml`` holds only deliberate overrides). See ``docs/vla.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CRITICS = ("pooled", "none")
"""``critic`` values: a value head on the pooled prompt features (PPO), or none (GRPO, BC)."""


@dataclass
class TinyBackboneConfig:
    """The random LLaVA-style model built when no ``model_path`` is given (tests, CPU runs):
    a SigLIP vision tower, a two-layer projector and a Llama language model."""

    hidden_size: int = 64
    """Width of the language model (and of the projected image tokens)."""
    num_layers: int = 2
    """Decoder layers of the language model."""
    num_heads: int = 2
    """Attention heads of the language model (hidden_size must divide by it)."""
    intermediate_size: int = 128
    """Width of the language model's MLP."""
    vision_hidden_size: int = 64
    """Width of the SigLIP vision tower."""
    vision_layers: int = 2
    """Encoder layers of the vision tower."""
    vision_heads: int = 2
    """Attention heads of the vision tower."""
    vision_intermediate_size: int = 128
    """Width of the vision tower's MLP."""
    patch_size: int = 8
    """Side of a square image patch (pixels); the camera side must divide by it."""


@dataclass
class LoraSettings:
    """Low-rank adapters on the language model (``peft``), for real model sizes."""

    enabled: bool = False
    """Train LoRA adapters instead of the language model's weights."""
    rank: int = 8
    """Rank r of each adapter."""
    alpha: float = 16.0
    """Adapter scale numerator (the update is alpha / r times the low-rank product)."""
    dropout: float = 0.0
    """Dropout on the adapters' input during training (0: none, keeps log-probs exact)."""
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "v_proj"])
    """Names of the language model's linear layers that get adapters."""


@dataclass
class VLAConfig:
    """Options of :class:`~embodichain_rl.policies.vla.policy.VLAPolicy`."""

    model_path: str | None = None
    """Local directory of a saved LLaVA-style transformers model and its tokenizer
    (``save_pretrained`` output, e.g. a run's ``checkpoints/pretrained``), loaded with
    ``from_pretrained`` and no network; null: a random model built from ``tiny``."""
    tiny: TinyBackboneConfig = field(default_factory=TinyBackboneConfig)
    """The random model's sizes (ignored when ``model_path`` is set)."""
    action_bins: int = 256
    """Uniform bins per action dimension (OpenVLA's 256); one action token per dimension."""
    image_key: str = "rgb"
    """Observation key of the camera image ``uint8 [C, H, W]``."""
    instruction_key: str = "instruction"
    """Observation key of the instruction's word ids (the env's vocabulary)."""
    state_key: str | None = "state"
    """Observation key of the robot's own state, projected into one extra token; null: none."""
    critic: str = "pooled"
    """``pooled``: a value head on the mean prompt feature (PPO); ``none``: no value (GRPO)."""
    freeze_vision: bool = False
    """Keep the vision tower's weights fixed (its features still reach the projector)."""
    gradient_checkpointing: bool = False
    """Recompute the language model's activations in the backward pass (less memory)."""
    lora: LoraSettings = field(default_factory=LoraSettings)
    """Low-rank adapters on the language model instead of full fine-tuning."""

    def __post_init__(self) -> None:
        if isinstance(self.tiny, dict):
            self.tiny = TinyBackboneConfig(**self.tiny)
        if isinstance(self.lora, dict):
            self.lora = LoraSettings(**self.lora)
        problems = [
            f"{name} must be >= {low}, got {value}"
            for name, value, low in (
                ("action_bins", self.action_bins, 2),
                ("tiny.num_layers", self.tiny.num_layers, 1),
                ("tiny.vision_layers", self.tiny.vision_layers, 1),
                ("tiny.patch_size", self.tiny.patch_size, 1),
                ("lora.rank", self.lora.rank, 1),
            )
            if value < low
        ]
        if self.critic not in CRITICS:
            problems.append(f"critic must be one of {list(CRITICS)}, got {self.critic!r}")
        tiny = self.tiny
        if tiny.hidden_size % tiny.num_heads or tiny.vision_hidden_size % tiny.vision_heads:
            problems.append(
                "tiny.hidden_size / vision_hidden_size must divide by num_heads / vision_heads"
            )
        if not 0.0 <= self.lora.dropout < 1.0:
            problems.append(f"lora.dropout must be in [0, 1), got {self.lora.dropout}")
        if problems:
            raise ValueError("invalid policy config: " + "; ".join(problems))
