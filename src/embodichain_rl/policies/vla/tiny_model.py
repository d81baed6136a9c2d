"""A random LLaVA-style model and its word-level tokenizer, built offline (no download):
what tests and CPU runs use when ``policy.model_path`` is null."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from embodichain_rl.policies.vla.config import TinyBackboneConfig

SPECIAL_TOKENS = ("<pad>", "<unk>", "<s>", "</s>", "<image>", "<act>")
"""The tiny tokenizer's special tokens, first in its vocabulary."""
QUERY_TOKEN = "<act>"
"""The token whose embedding fills every action-query position."""


def tiny_tokenizer(words: Sequence[str], action_bins: int) -> Any:
    """A whitespace word-level ``PreTrainedTokenizerFast``: the special tokens, ``words``
    (the env's instruction vocabulary) and one ``<bin_k>`` token per action bin, last."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    from transformers import PreTrainedTokenizerFast

    vocab: dict[str, int] = {}
    for token in (*SPECIAL_TOKENS, *words, *(f"<bin_{k}>" for k in range(action_bins))):
        vocab.setdefault(token, len(vocab))
    core = Tokenizer(WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = Whitespace()
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token="<pad>",
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
        additional_special_tokens=["<image>", QUERY_TOKEN],
    )


def tiny_llava(tokenizer: Any, sizes: TinyBackboneConfig, image_size: int, channels: int) -> Any:
    """A randomly initialised ``LlavaForConditionalGeneration``: SigLIP vision tower over
    ``image_size`` pixels, GELU projector, Llama decoder over the tokenizer's vocabulary."""
    from transformers import (
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        SiglipVisionConfig,
    )

    vision = SiglipVisionConfig(
        hidden_size=sizes.vision_hidden_size,
        intermediate_size=sizes.vision_intermediate_size,
        num_hidden_layers=sizes.vision_layers,
        num_attention_heads=sizes.vision_heads,
        image_size=image_size,
        patch_size=sizes.patch_size,
        num_channels=channels,
        vision_use_head=False,  # LLaVA reads the patch features, never the pooled head
    )
    text = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=sizes.hidden_size,
        intermediate_size=sizes.intermediate_size,
        num_hidden_layers=sizes.num_layers,
        num_attention_heads=sizes.num_heads,
        num_key_value_heads=sizes.num_heads,
        max_position_embeddings=1024,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    config = LlavaConfig(
        vision_config=vision,
        text_config=text,
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
        vision_feature_layer=-1,
        vision_feature_select_strategy="full",
        projector_hidden_act="gelu",
    )
    return LlavaForConditionalGeneration(config)
