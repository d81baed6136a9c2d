"""Running normaliser of a dict observation: one ``RunningNormalizer`` per vector key;
images (and keys it was not built for) pass through untouched."""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import nn

from embodichain_rl.policies.normalizer import RunningNormalizer, batch_moments

MomentTuple = tuple[torch.Tensor, torch.Tensor, torch.Tensor | int]
"""Feature mean, population variance and sample count of one batch."""

Moments = dict[str, MomentTuple]
"""Per normalised key, the moments of one batch."""


class DictNormalizer(nn.Module):
    """``{key: RunningNormalizer}`` for the vector keys of a dict observation.

    ``forward`` returns a new dict whose normalised keys are replaced and whose other keys
    (images above all) are the caller's tensors; statistics live in registered buffers
    (``normalizers.<key>.mean`` / ``var`` / ``count``), so they follow ``.to(device)`` and
    travel in ``state_dict``. Every method is device tensor work (no host sync); the
    algorithm, not the policy, decides when statistics change (``update`` or, for
    data-parallel runs, ``moments`` -> all-reduce -> ``merge_moments``).
    """

    def __init__(self, dims: Mapping[str, int], *, clip: float = 10.0, eps: float = 1e-8) -> None:
        super().__init__()
        bad = [key for key in dims if not key or "." in key]
        if bad:
            raise ValueError(f"observation keys to normalise must be non-empty without '.': {bad}")
        self.normalizers = nn.ModuleDict(
            {key: RunningNormalizer(dim=int(dim), clip=clip, eps=eps) for key, dim in dims.items()}
        )
        """One running normaliser per vector key."""

    @property
    def normalized_keys(self) -> list[str]:
        """The normalised keys, in order."""
        return list(self.normalizers.keys())

    def forward(self, obs: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """``obs`` with every normalised key replaced by its normalised value."""
        out = dict(obs)
        for key, normalizer in self.normalizers.items():
            if key in obs:  # an exported actor gets only the keys it reads
                out[key] = normalizer(obs[key])
        return out

    @torch.no_grad()
    def update(self, obs: Mapping[str, torch.Tensor]) -> None:
        """Fold a batch (every leading dimension a sample) into the statistics."""
        for key, normalizer in self.normalizers.items():
            normalizer.update(obs[key])

    def moments(self, obs: Mapping[str, torch.Tensor]) -> Moments:
        """Per normalised key: the batch's feature mean, population variance and row count."""
        return {key: batch_moments(obs[key].to(torch.float32)) for key in self.normalizers}

    @torch.no_grad()
    def merge_moments(self, moments: Mapping[str, MomentTuple]) -> None:
        """Fold in per-key batch moments ``(mean, var, count)`` (e.g. all-reduced ones)."""
        missing = [key for key in self.normalizers if key not in moments]
        if missing:
            raise ValueError(f"merge_moments: no moments for keys {missing}")
        for key, normalizer in self.normalizers.items():
            mean, var, count = moments[key]
            normalizer.merge(mean, var, count)
