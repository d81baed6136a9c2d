"""Every ``PushCubeLanguage`` parameter: PushCube's, plus the discs, the task and the chunks."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from embodichain_rl.envs.push_cube.camera import CameraConfig
from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube_language.language import COLOURS, TEMPLATES

LANGUAGE_OBS_MODES = ("rgb", "rgb_state")
"""The camera modes this env takes: the goal is only seen, never given as a vector."""
MAX_TARGETS = len(COLOURS)
"""Most discs per episode (one per colour)."""


def _language_camera() -> CameraConfig:
    """48 x 48, wider and steeper than PushCube's, so every disc stays in view."""
    return CameraConfig(
        width=48, height=48, fov_deg=55.0, eye=(1.0, -0.2, 1.1), look_at=(0.6, 0.0, 0.0)
    )


@dataclass
class PushCubeLanguageConfig(PushCubeConfig):
    """PushCube with ``num_targets`` coloured discs and an instruction naming one of them."""

    control_mode: str = "ee_delta_pos"
    """Action meaning: ``ee_delta_pos`` (3-D TCP step) or ``joint_delta_pos`` (6 joints)."""
    obs_mode: str = "rgb_state"
    """``rgb`` or ``rgb_state`` (camera + instruction, + the robot's own state); never
    ``state``: the goal must be read from the image and the instruction."""
    camera: CameraConfig = field(default_factory=_language_camera)
    """The camera (48 x 48; every disc position is inside its view)."""
    num_targets: int = 2
    """Coloured discs per episode (2..4), distinct colours in a random slot order."""
    shuffle_colours: bool = True
    """Colours in a random slot order every episode (the policy must find the named colour in
    the image), or colour i always in slot i (false: the instruction tells the side, the
    image the exact spot; an instruction-blind policy is still capped near 1/k)."""
    task: str = "push"
    """``push`` the cube onto the named disc, or ``reach`` it with the TCP (CI-sized)."""
    action_chunk: int = 1
    """Sub-actions per decision (H >= 1), executed open-loop; the action is ``H * A`` long."""
    chunk_discount: float = 0.99
    """Discount of sub-step rewards inside a chunk (in (0, 1]): reward = sum gamma^j r_j."""
    disc_distance_range: tuple[float, float] = (0.22, 0.3)
    """Range of each disc centre's distance from the cube (m)."""
    disc_arc: float = 2.0 * math.pi / 3.0
    """Half-width of the arc around the cube (about +x) split into one sector per disc (rad)."""
    disc_min_gap: float = math.pi / 3.0
    """Smallest angle between two discs seen from the cube (rad); sectors shrink by half of
    it on each side."""
    reach_height: float = 0.06
    """reach: the scripted expert's TCP height (m), clear of the cube top."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first out-of-range value and what is valid."""
        if self.obs_mode not in LANGUAGE_OBS_MODES:
            raise ValueError(
                f"obs_mode must be one of {list(LANGUAGE_OBS_MODES)} for PushCubeLanguage "
                f"(the goal is read from image + instruction), got {self.obs_mode!r}"
            )
        super().validate()
        if self.task not in TEMPLATES:
            raise ValueError(f"task must be one of {list(TEMPLATES)}, got {self.task!r}")
        if not 2 <= self.num_targets <= MAX_TARGETS:
            raise ValueError(f"num_targets must be in [2, {MAX_TARGETS}], got {self.num_targets}")
        if isinstance(self.action_chunk, bool) or self.action_chunk < 1:
            raise ValueError(f"action_chunk must be an integer >= 1, got {self.action_chunk}")
        if not 0.0 < self.chunk_discount <= 1.0:
            raise ValueError(f"chunk_discount must be in (0, 1], got {self.chunk_discount}")
        if self.reach_height < self.tcp_radius:
            raise ValueError(f"reach_height must be >= tcp_radius, got {self.reach_height}")
        self._check_disc_layout()

    def _check_disc_layout(self) -> None:
        """Discs must fit their sectors and stay over ``2 * success_threshold`` apart."""
        low, high = self.disc_distance_range
        if not 0.0 < low <= high:
            raise ValueError(f"disc_distance_range must be 0 < low <= high, got {[low, high]}")
        if not 0.0 < self.disc_min_gap <= 2.0 * self.disc_arc / self.num_targets:
            raise ValueError(
                f"disc_min_gap must be in (0, 2 * disc_arc / num_targets = "
                f"{2.0 * self.disc_arc / self.num_targets:.4f}], got {self.disc_min_gap}"
            )
        if min_disc_separation(low, high, self.disc_min_gap) <= 2.0 * self.success_threshold:
            raise ValueError(
                "disc_distance_range / disc_min_gap let two discs come within "
                f"2 * success_threshold = {2.0 * self.success_threshold} m of each other"
            )


def min_disc_separation(low: float, high: float, gap: float) -> float:
    """Smallest distance (m) between two points at distances in ``[low, high]`` from a
    centre and ``gap`` (or more, up to pi) apart in angle: the law of cosines is smallest
    at ``low, low`` while ``high * cos(gap) <= low``; else a conservative ``low * sin(gap)``."""
    if high * math.cos(gap) <= low:
        return 2.0 * low * math.sin(0.5 * min(gap, math.pi))
    return low * math.sin(min(gap, 0.5 * math.pi))
