"""The coloured discs of an episode: where they lie, their colours and which one is named.

Drawn from the same counter-based PRNG as PushCube's starts (``push_cube/random.py``), on
draw indices after PushCube's own, so a start is a pure function of (seed, env stream,
episode) and envs of a start group share their discs too.

Layout: the arc ``[-disc_arc, disc_arc]`` around the cube (angles about world +x) is split
into ``k = num_targets`` equal sectors, slot ``i`` in sector ``i``; each disc's angle is
uniform in its sector shrunk by ``disc_min_gap / 2`` on both sides (so two discs are at least
``disc_min_gap`` apart in angle) and its distance from the cube uniform in
``disc_distance_range``. Colours: a uniformly random permutation of the palette, the first
``k`` over the slots. Target: a uniformly random slot.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from embodichain_rl.envs.push_cube import random as prng
from embodichain_rl.envs.push_cube.resets import NUM_RESET_DRAWS
from embodichain_rl.envs.push_cube_language.config import MAX_TARGETS, PushCubeLanguageConfig

PALETTE: tuple[tuple[int, int, int], ...] = (
    (215, 50, 45),
    (45, 95, 215),
    (60, 190, 90),
    (235, 205, 40),
)
"""Disc colour (uint8 RGB) of each colour id, in ``language.COLOURS`` order."""
DOT_PALETTE: tuple[tuple[int, int, int], ...] = (
    (120, 20, 20),
    (20, 45, 120),
    (20, 110, 45),
    (140, 115, 10),
)
"""The darker centre dot of each colour id."""
CUBE_RGB = (235, 235, 240)
"""The cube's colour in this task: white, unlike every disc (PushCube's cube is red)."""
NUM_DISC_DRAWS = 2 + 3 * MAX_TARGETS
"""Uniforms per reset after PushCube's: target, spare, then per slot a colour key, an angle
and a distance (always ``MAX_TARGETS`` slots, so draws do not depend on ``num_targets``)."""


class DiscLayout(NamedTuple):
    """Every env's discs for one episode."""

    centres: torch.Tensor
    """``[N, k, 2]`` disc centres (m)."""
    colours: torch.Tensor
    """int64 ``[N, k]`` colour id of each slot (distinct within an env)."""
    target: torch.Tensor
    """int64 ``[N]`` slot of the named disc."""


def sample_discs(
    cfg: PushCubeLanguageConfig,
    seed_key: torch.Tensor,
    stream: torch.Tensor,
    episode: torch.Tensor,
    cube_xy: torch.Tensor,
) -> DiscLayout:
    """The discs around ``cube_xy [N, 2]`` for the given per-env episode counters."""
    u = prng.uniform(seed_key, stream, episode, NUM_RESET_DRAWS + NUM_DISC_DRAWS)
    u = u[:, NUM_RESET_DRAWS:]
    k = cfg.num_targets
    slots = torch.arange(k, device=cube_xy.device, dtype=torch.float32)
    width = 2.0 * cfg.disc_arc / k
    lo = -cfg.disc_arc + slots * width + 0.5 * cfg.disc_min_gap
    span = width - cfg.disc_min_gap
    angle = lo + span * u[:, 2 + MAX_TARGETS : 2 + MAX_TARGETS + k]
    base = 2 + 2 * MAX_TARGETS
    reach = prng.scale(u[:, base : base + k], *cfg.disc_distance_range)
    offset = torch.stack((torch.cos(angle), torch.sin(angle)), dim=-1) * reach[..., None]
    centres = cube_xy[:, None, :] + offset
    colours = u[:, 2 : 2 + MAX_TARGETS].argsort(dim=1)[:, :k]
    if not cfg.shuffle_colours:
        colours = torch.arange(k, device=cube_xy.device).expand_as(colours)
    target = (u[:, 0] * k).long().clamp_(max=k - 1)
    return DiscLayout(centres, colours, target)


def named_disc(layout: DiscLayout) -> torch.Tensor:
    """``[N, 2]`` centre of every env's named disc."""
    index = layout.target[:, None, None].expand(-1, 1, 2)
    return layout.centres.gather(1, index)[:, 0]


def named_colour(layout: DiscLayout) -> torch.Tensor:
    """int64 ``[N]`` colour id of every env's named disc."""
    return layout.colours.gather(1, layout.target[:, None])[:, 0]


def palette_tensors(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 ``[len(PALETTE), 3]`` disc and dot colours on ``device``."""
    disc = torch.tensor(PALETTE, dtype=torch.uint8, device=device)
    return disc, torch.tensor(DOT_PALETTE, dtype=torch.uint8, device=device)
