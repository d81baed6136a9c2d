"""The transformers model inside the VLA: built tiny and random, or loaded from a local
directory with ``from_pretrained`` (never the network), and the pieces of its forward pass
the policy assembles (image tokens, token embeddings, the decoder, token logits)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from embodichain_rl.policies.vla.config import LoraSettings, VLAConfig
from embodichain_rl.policies.vla.tiny_model import QUERY_TOKEN, tiny_llava, tiny_tokenizer

IMAGE_STATS_FILE = "preprocessor_config.json"
"""Hugging Face's image-processor file; its ``image_mean`` / ``image_std`` are used."""
DEFAULT_IMAGE_MEAN = (0.5, 0.5, 0.5)
"""SigLIP's pixel mean (the tiny model's)."""
DEFAULT_IMAGE_STD = (0.5, 0.5, 0.5)
"""SigLIP's pixel standard deviation."""


class MissingModelError(ValueError):
    """``policy.model_path`` names no loadable model directory."""


def model_path_problem(path: str | None) -> str | None:
    """One line when ``path`` is not a local model directory, else ``None``."""
    if path is None:
        return None
    folder = Path(path).expanduser()
    if not (folder / "config.json").is_file():
        return (
            f"policy.model_path={path}: no saved transformers model there (config.json "
            "missing); give a local directory written by save_pretrained (a run's "
            "checkpoints/pretrained) or null for the tiny random model"
        )
    return None


def load_backbone(cfg: VLAConfig, words: list[str], image_size: int, channels: int) -> Any:
    """``(model, tokenizer)``: loaded from ``cfg.model_path`` offline, or tiny and random."""
    problem = model_path_problem(cfg.model_path)
    if problem is not None:
        raise MissingModelError(problem)
    if cfg.model_path is None:
        tokenizer = tiny_tokenizer(words, cfg.action_bins)
        return tiny_llava(tokenizer, cfg.tiny, image_size, channels), tokenizer
    from transformers import AutoConfig, AutoTokenizer, LlavaForConditionalGeneration
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # one bar per load would flood the run's log

    path = str(Path(cfg.model_path).expanduser())
    config = AutoConfig.from_pretrained(path, local_files_only=True)
    if config.model_type != "llava":
        raise MissingModelError(
            f"policy.model_path={cfg.model_path}: a llava model is needed, got model_type "
            f"{config.model_type!r}"
        )
    model = LlavaForConditionalGeneration.from_pretrained(path, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    return model, tokenizer


def image_stats(path: str | None) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Pixel mean and std: the directory's image-processor file when it has one."""
    if path is not None:
        stats_file = Path(path).expanduser() / IMAGE_STATS_FILE
        if stats_file.is_file():
            data = json.loads(stats_file.read_text())
            return tuple(data["image_mean"]), tuple(data["image_std"])
    return DEFAULT_IMAGE_MEAN, DEFAULT_IMAGE_STD


class VLABackbone(nn.Module):
    """A ``LlavaForConditionalGeneration`` and its tokenizer, used piece by piece."""

    def __init__(self, cfg: VLAConfig, words: list[str], image_shape: list[int]) -> None:
        super().__init__()
        channels, height, width = (int(v) for v in image_shape)
        self.model, self.tokenizer = load_backbone(cfg, words, max(height, width), channels)
        vision = self.model.config.vision_config
        self.image_size = int(vision.image_size)
        """Side the vision tower takes (camera images are resized to it)."""
        mean, std = image_stats(cfg.model_path)
        self.register_buffer("pixel_mean", torch.tensor(mean).view(1, -1, 1, 1), False)
        self.register_buffer("pixel_std", torch.tensor(std).view(1, -1, 1, 1), False)
        self.hidden_size = int(self.model.config.text_config.hidden_size)
        """Width of the decoder's hidden states."""
        self.query_token_id = _query_token_id(self.tokenizer)
        """The token filling every action-query position."""
        self.bos_token_id = self.tokenizer.bos_token_id
        """Token opening every prompt (``None``: the tokenizer has none)."""
        if cfg.freeze_vision:
            self.model.model.vision_tower.requires_grad_(False)
        if cfg.lora.enabled:
            _add_lora(self.model, cfg.lora)
        if cfg.gradient_checkpointing:
            self.model.gradient_checkpointing_enable()

    @property
    def vocab_size(self) -> int:
        """Rows of the output projection."""
        return int(self.model.lm_head.weight.shape[0])

    def image_tokens(self, images: torch.Tensor) -> torch.Tensor:
        """Projected image features ``[N, P, hidden]`` of ``uint8 [N, C, H, W]`` images,
        selected as LLaVA does (``vision_feature_layer``, ``..._select_strategy``)."""
        x = images.to(self.pixel_mean.dtype) / 255.0
        if x.shape[-1] != self.image_size or x.shape[-2] != self.image_size:
            x = F.interpolate(x, size=(self.image_size, self.image_size), mode="bilinear")
        x = (x - self.pixel_mean) / self.pixel_std
        llava = self.model.model
        out = llava.vision_tower(x, output_hidden_states=True)
        features = out.hidden_states[self.model.config.vision_feature_layer]
        if self.model.config.vision_feature_select_strategy == "default":
            features = features[:, 1:]
        return llava.multi_modal_projector(features)

    def embed(self, token_ids: torch.Tensor) -> torch.Tensor:
        """Input embeddings of token ids."""
        return self.model.get_input_embeddings()(token_ids)

    def decode(
        self, embeds: torch.Tensor, mask: torch.Tensor, positions: torch.Tensor
    ) -> torch.Tensor:
        """The decoder's final (normalised) hidden states ``[N, S, hidden]``."""
        out = self.model.model.language_model(
            inputs_embeds=embeds, attention_mask=mask, position_ids=positions, use_cache=False
        )
        return out.last_hidden_state

    def token_logits(self, hidden: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
        """Logits ``[..., K]`` of the ``K`` tokens ``token_ids`` only (the action bins)."""
        weight = self.model.lm_head.weight.index_select(0, token_ids)
        logits = hidden @ weight.T
        bias = self.model.lm_head.bias
        return logits if bias is None else logits + bias.index_select(0, token_ids)

    def save_pretrained(self, folder: Path) -> None:
        """Write the model (LoRA adapters merged into a copy) and the tokenizer."""
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        model = self.model
        language = model.model.language_model
        if hasattr(language, "merge_and_unload"):
            model = copy.deepcopy(model)
            model.model.language_model = model.model.language_model.merge_and_unload()
        model.save_pretrained(folder)
        self.tokenizer.save_pretrained(folder)
        stats = {"image_mean": self.pixel_mean.flatten().tolist()}
        stats["image_std"] = self.pixel_std.flatten().tolist()
        (folder / IMAGE_STATS_FILE).write_text(json.dumps(stats, indent=2))


def _query_token_id(tokenizer: Any) -> int:
    """The tiny vocabulary's ``<act>``, else the pad (or end) token of a real tokenizer."""
    vocab = tokenizer.get_vocab()
    if QUERY_TOKEN in vocab:
        return int(vocab[QUERY_TOKEN])
    for candidate in (tokenizer.pad_token_id, tokenizer.eos_token_id):
        if candidate is not None:
            return int(candidate)
    return 0


def _add_lora(model: Any, settings: LoraSettings) -> None:
    """Wrap the language model in ``peft`` LoRA adapters (only they train there)."""
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=settings.rank,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=list(settings.target_modules),
    )
    model.model.language_model = get_peft_model(model.model.language_model, lora)
