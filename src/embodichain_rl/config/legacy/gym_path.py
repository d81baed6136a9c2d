"""Where ``trainer.gym_config`` points: relative to the train config (the older shape), or
relative to EmbodiChain's repository root (its newest release, which runs from that root)."""

from __future__ import annotations

from pathlib import Path


def _tail_length(folders: tuple[str, ...], base: tuple[str, ...]) -> int:
    """How many trailing folders of ``folders`` end ``base`` too."""
    length = 0
    while length < min(len(folders), len(base)) and folders[-1 - length] == base[-1 - length]:
        length += 1
    return length


def gym_candidates(train_config: Path, written: str) -> list[Path]:
    """The paths ``written`` may mean, in the order they are tried: relative to the train
    config's folder; beside the train config when the folders it names end the way the train
    config's folder ends (``.../rl/basic/cart_pole/gym_config.json`` for a train config in
    ``.../basic/cart_pole/``: a copy of EmbodiChain's config folder); relative to each folder
    above the train config (a repository root holding it). An absolute path is itself."""
    path = Path(written)
    if path.is_absolute():
        return [path]
    base = train_config.resolve().parent
    found = [base / path]
    if _tail_length(path.parent.parts, base.parts) > 0:
        found.append(base / path.name)
    found += [folder / path for folder in base.parents]
    unique: list[Path] = []
    for candidate in found:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def resolve_gym_path(train_config: Path, written: str) -> tuple[Path | None, str]:
    """The first existing candidate of :func:`gym_candidates`, or ``None`` and the one-line
    problem naming every path tried."""
    candidates = gym_candidates(train_config, written)
    for candidate in candidates:
        if candidate.is_file():
            return candidate, ""
    tried = ", ".join(str(candidate) for candidate in candidates)
    return None, (
        f"gym file not found: {written!r} is read relative to the train config, then as a "
        "path from EmbodiChain's repository root (beside the train config when their folders "
        f"end alike, then under each folder above it); tried: {tried}"
    )
