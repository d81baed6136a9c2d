"""The env's instruction word ids -> the policy tokenizer's token ids, on the device.

An env gives each instruction as ids into its own fixed word vocabulary (``0`` = padding).
Every vocabulary word is tokenized once, up front, by the model's tokenizer (with the
leading space a mid-sentence word has); a batch of instructions then becomes a
``[N, L * T]`` token tensor and a mask of the real tokens by one gather (no host work), ``T``
being the most tokens any word takes. Padding holes are masked out of attention and skipped
by the position ids, which makes them equivalent to a packed sequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn


class InstructionTokens(nn.Module):
    """Lookup from env word ids to tokenizer ids."""

    def __init__(self, vocabulary: Sequence[str], tokenizer: Any) -> None:
        super().__init__()
        pieces = [[] if i == 0 else _word_ids(tokenizer, w) for i, w in enumerate(vocabulary)]
        missing = [w for w, ids in zip(vocabulary[1:], pieces[1:], strict=True) if not ids]
        if len(vocabulary) < 2 or missing:
            raise ValueError(f"the tokenizer cannot encode the instruction words {missing}")
        width = max(len(ids) for ids in pieces)
        table = torch.zeros(len(vocabulary), width, dtype=torch.int64)
        lengths = torch.zeros(len(vocabulary), dtype=torch.int64)
        for row, ids in enumerate(pieces):
            table[row, : len(ids)] = torch.tensor(ids, dtype=torch.int64)
            lengths[row] = len(ids)
        self.vocabulary = list(vocabulary)
        """The env's words, index 0 being padding."""
        self.register_buffer("table", table, persistent=False)
        self.register_buffer("lengths", lengths, persistent=False)
        self.register_buffer("slots", torch.arange(width), persistent=False)

    def forward(self, words: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids and their mask (bool), both ``[N, L * T]``, of word ids ``[N, L]``."""
        words = words.to(torch.int64).clamp(0, self.table.shape[0] - 1)
        tokens = self.table[words]
        mask = self.slots < self.lengths[words][..., None]
        return tokens.flatten(1), mask.flatten(1)


def _word_ids(tokenizer: Any, word: str) -> list[int]:
    """The tokenizer's ids of ``word`` as it appears after a space."""
    return list(tokenizer(" " + word, add_special_tokens=False)["input_ids"])
