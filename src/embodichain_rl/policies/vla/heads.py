"""The VLA's prompt assembly and its small heads: the state token's projection and the
value head on the pooled prompt features, saved next to the transformers files."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from embodichain_rl.policies.vla.backbone import VLABackbone

HEADS_FILE = "embodichain_vla_heads.safetensors"
"""The heads' weights in a saved VLA directory."""


class PromptHeads(nn.Module):
    """Builds each env's prompt ``[BOS] [instruction] [image] [state] [query] × A``, runs
    the decoder once, and returns the query positions' hidden states and the value.

    The instruction comes before the image so that, under causal attention, every image
    token can already attend to it (each patch can tell whether it shows the named
    object); with the image first, only the query tokens would see both."""

    def __init__(
        self, hidden: int, action_dim: int, state_dim: int | None, *, with_value: bool
    ) -> None:
        super().__init__()
        self.action_dim = action_dim
        """Action queries appended to every prompt."""
        self.query_embeddings = nn.Parameter(torch.randn(action_dim, hidden) * 0.02)
        """Learned embedding of each action query, added to the query token's: the decoder
        has no absolute positions (RoPE), so identical inputs would give identical tokens."""
        self.state_proj = None if state_dim is None else nn.Linear(state_dim, hidden)
        """Robot state -> one token embedding (``None`` without a state key)."""
        self.value_head: nn.Sequential | None = None
        """Pooled prompt feature -> value (``None`` for ``critic=none``)."""
        if with_value:
            self.value_head = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh())
            self.value_head.append(nn.Linear(hidden, 1))

    def forward(
        self,
        backbone: VLABackbone,
        images: torch.Tensor,
        words: torch.Tensor,
        word_mask: torch.Tensor,
        state: torch.Tensor | None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Query hidden states ``[N, A, hidden]`` and values ``[N]``."""
        n = images.shape[0]
        image = backbone.image_tokens(images)
        device = image.device
        parts, masks = [backbone.embed(words)], [word_mask]
        if backbone.bos_token_id is not None:
            bos = torch.full((n, 1), backbone.bos_token_id, dtype=torch.long, device=device)
            parts.insert(0, backbone.embed(bos))
            masks.insert(0, torch.ones(n, 1, dtype=torch.bool, device=device))
        parts.append(image)
        masks.append(torch.ones(n, image.shape[1], dtype=torch.bool, device=device))
        if self.state_proj is not None and state is not None:
            parts.append(self.state_proj(state.to(image.dtype))[:, None])
            masks.append(torch.ones(n, 1, dtype=torch.bool, device=device))
        query = torch.full(
            (n, self.action_dim), backbone.query_token_id, dtype=torch.long, device=device
        )
        parts.append(backbone.embed(query) + self.query_embeddings.to(image.dtype))
        masks.append(torch.ones_like(query, dtype=torch.bool))
        embeds, mask = torch.cat(parts, dim=1), torch.cat(masks, dim=1)
        positions = (mask.long().cumsum(dim=1) - 1).clamp_min(0)
        hidden = backbone.decode(embeds, mask.long(), positions)
        queries = hidden[:, -self.action_dim :]
        if self.value_head is None:
            return queries, torch.zeros(n, device=hidden.device, dtype=torch.float32)
        prompt, prompt_mask = hidden[:, : -self.action_dim], mask[:, : -self.action_dim, None]
        pooled = (prompt * prompt_mask).sum(1) / prompt_mask.sum(1).clamp_min(1)
        return queries, self.value_head(pooled).squeeze(-1).float()


def save_heads(heads: PromptHeads, folder: Path) -> None:
    """Write the heads' weights (safetensors) into a saved VLA directory."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().cpu().contiguous() for k, v in heads.state_dict().items()}
    if tensors:
        save_file(tensors, str(folder / HEADS_FILE))


def load_heads(heads: PromptHeads, folder: Path) -> list[str]:
    """Load the heads a saved directory has; returns the keys it did not have (a value
    head BC never trained, say), which keep their fresh initialisation."""
    path = folder / HEADS_FILE
    if not path.is_file():
        return list(heads.state_dict())
    from safetensors.torch import load_file

    saved = load_file(str(path))
    wanted = heads.state_dict()
    usable = {k: v for k, v in saved.items() if k in wanted and v.shape == wanted[k].shape}
    heads.load_state_dict(usable, strict=False)
    return [k for k in wanted if k not in usable]
