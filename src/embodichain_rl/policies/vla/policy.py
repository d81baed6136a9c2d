"""``VLAPolicy``: a vision-language-action model from ``transformers`` as a policy with
exact log-probabilities, so PPO's and GRPO's ratios mean what they say."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.registry import register_policy
from embodichain_rl.policies.vla.action_tokens import ActionBins
from embodichain_rl.policies.vla.backbone import VLABackbone
from embodichain_rl.policies.vla.config import VLAConfig
from embodichain_rl.policies.vla.heads import PromptHeads, load_heads, save_heads
from embodichain_rl.policies.vla.instruction_tokens import InstructionTokens
from embodichain_rl.policies.vla.preflight import vla_observation_problem
from embodichain_rl.utils.observations import Observation

ACTION_HEAD_FILE = "embodichain_vla.json"
"""What a saved VLA directory records besides the transformers files."""


@register_policy("vla")
class VLAPolicy(Policy):
    """A LLaVA-style model reading the camera image, the instruction and (optionally) the
    robot's state, emitting one action token per action dimension.

    Prompt, one sequence per env: ``[BOS] [instruction tokens] [image tokens] [state
    token] [query] × A``. Every query position's final hidden state is scored against the
    output embeddings of the ``action_bins`` bin tokens (the last ids of the vocabulary, as
    OpenVLA does), giving an independent categorical per action dimension in one forward
    pass (parallel decoding). The emitted action is the sampled bin's centre, so
    ``evaluate_actions`` recovers the exact token and its log-probability; the entropy is
    the categoricals' exact sum. With action chunks (``env.action_chunk``) the action is the
    whole chunk, one query per component. ``critic=pooled`` adds a value head on the mean
    prompt feature; ``critic=none`` returns zero values (GRPO, BC).
    """

    accepts_dict_observations = True
    """Reads the camera image, the instruction ids and the state from a dict observation."""
    requires_dict_observations = True
    """Refused (before anything is built) on an env with flat observations."""
    accepts_action_bounds = True
    """Built with the env's action bounds (the bins span them)."""
    factorised_actions = True
    """Each action token is an independent categorical: ``evaluate_action_parts`` gives
    one log-prob per token."""
    accepts_instruction_vocabulary = True
    """Built with the env's instruction vocabulary (``instruction_vocabulary``)."""
    observation_problem = staticmethod(vla_observation_problem)
    """Preflight: one line when the config or the env's observation cannot work."""

    def __init__(
        self,
        *,
        action_dim: int,
        obs_shapes: Mapping[str, Sequence[int]] | None = None,
        action_low: Sequence[float] | None = None,
        action_high: Sequence[float] | None = None,
        instruction_vocabulary: Sequence[str] | None = None,
        obs_dim: int | None = None,
        action_nvec: Sequence[int] | None = None,
        **config: Any,
    ) -> None:
        super().__init__()
        self.config = config_from_kwargs(VLAConfig, "VLAPolicy", config)
        """Every option of this policy."""
        cfg = self.config
        shapes = {k: [int(v) for v in s] for k, s in (obs_shapes or {}).items()}
        problem = vla_observation_problem(cfg, shapes, action_nvec, instruction_vocabulary)
        if problem is not None:
            raise ValueError(problem)
        assert action_low is not None and action_high is not None
        self.obs_shapes = shapes
        """Single-env shape of every observation key."""
        self.action_dim = int(action_dim)
        """Action components: one query token each."""
        words = list(instruction_vocabulary or ())
        self.backbone = VLABackbone(cfg, words[1:], shapes[cfg.image_key])
        self.bins = ActionBins(action_low, action_high, cfg.action_bins)
        vocab = self.backbone.vocab_size
        self.register_buffer("bin_token_ids", torch.arange(vocab - cfg.action_bins, vocab), False)
        self.instructions = InstructionTokens(words, self.backbone.tokenizer)
        state_dim = shapes[cfg.state_key][0] if cfg.state_key in shapes else None
        self.prompt = PromptHeads(
            self.backbone.hidden_size,
            self.action_dim,
            state_dim,
            with_value=cfg.critic == "pooled",
        )
        if cfg.model_path is not None:
            load_heads(self.prompt, Path(cfg.model_path).expanduser())
            _check_saved_bins(Path(cfg.model_path).expanduser(), cfg.action_bins)

    # ------------------------------------------------------------------ forward pass
    def _logits_and_value(self, obs: Observation) -> tuple[torch.Tensor, torch.Tensor]:
        """Bin logits ``[N, A, bins]`` and values ``[N]`` (zeros without a critic)."""
        assert isinstance(obs, dict), "the VLA reads dict observations"
        cfg = self.config
        words, mask = self.instructions(obs[cfg.instruction_key])
        state = obs.get(cfg.state_key) if cfg.state_key is not None else None
        queries, value = self.prompt(self.backbone, obs[cfg.image_key], words, mask, state)
        return self.backbone.token_logits(queries, self.bin_token_ids), value

    def get_action(
        self, obs: Observation, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        logits, value = self._logits_and_value(obs)
        log_probs = logits.float().log_softmax(dim=-1)
        if deterministic:
            index = log_probs.argmax(dim=-1)
        else:
            gumbel = -torch.log(-torch.log(torch.rand_like(log_probs).clamp_min(1e-20)))
            index = (log_probs + gumbel).argmax(dim=-1)
        chosen = log_probs.gather(-1, index[..., None]).squeeze(-1).sum(-1)
        return self.bins.centres(index), chosen, value

    def get_value(self, obs: Observation) -> torch.Tensor:
        return self._logits_and_value(obs)[1]

    def evaluate_actions(
        self, obs: Observation, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        logits, value = self._logits_and_value(obs)
        chosen, entropy = self._token_log_probs(logits, actions)
        return chosen.sum(-1), entropy, value

    def evaluate_action_parts(
        self, obs: Observation, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The log-prob of every action token ``[N, A]`` and the entropy ``[N]``."""
        return self._token_log_probs(self._logits_and_value(obs)[0], actions)

    def _token_log_probs(
        self, logits: torch.Tensor, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Each action component's token log-prob ``[N, A]`` and the summed entropy ``[N]``."""
        log_probs = logits.float().log_softmax(dim=-1)
        index = self.bins.index(actions)
        chosen = log_probs.gather(-1, index[..., None]).squeeze(-1)
        entropy = -(log_probs.exp() * log_probs).sum(-1).sum(-1)
        return chosen, entropy

    def acting_observation_keys(self) -> list[str]:
        cfg = self.config
        keys = [cfg.image_key, cfg.instruction_key]
        return keys + ([cfg.state_key] if cfg.state_key in self.obs_shapes else [])

    # -------------------------------------------------------------------- saving
    def save_pretrained(self, folder: str | Path) -> Path:
        """Write a directory ``policy.model_path`` can load: the transformers model and
        tokenizer (``from_pretrained`` reads them), the state and value heads, and the
        action bins."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.backbone.save_pretrained(folder)
        save_heads(self.prompt, folder)
        record = {"action_bins": self.config.action_bins, "action_dim": self.action_dim}
        (folder / ACTION_HEAD_FILE).write_text(json.dumps(record, indent=2))
        return folder

    def num_parameters(self) -> int:
        """Parameters of the whole policy (backbone and heads)."""
        return sum(p.numel() for p in self.parameters())


def _check_saved_bins(folder: Path, bins: int) -> None:
    """A saved VLA's bin count must match ``policy.action_bins`` (its tokens are fixed)."""
    record_file = folder / ACTION_HEAD_FILE
    if not record_file.is_file():
        return
    saved = int(json.loads(record_file.read_text())["action_bins"])
    if saved != bins:
        raise ValueError(
            f"policy.model_path={folder} was saved with action_bins={saved}, but "
            f"policy.action_bins={bins}: set policy.action_bins={saved}"
        )
