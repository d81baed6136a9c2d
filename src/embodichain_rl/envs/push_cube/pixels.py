"""The PushCube scene seen by the camera: every env drawn in one batched pass on its device.

Primitives: the table (plane z = 0, flat colour) with the goal disc (radius
``success_threshold``) and a darker centre dot painted on it (or several coloured discs,
:class:`Discs`, for the language-conditioned task); the cube (a yawed box); the
TCP sphere; in joint mode the UR10 as capsules (cylinders plus joint spheres) between
``kinematics.frame_origins``, in ee mode the tool as a thin capsule standing on the TCP.
The nearest hit wins per pixel; the cube and the round parts are Lambert shaded against a
fixed distant light, the table and goal are not. See ``docs/pixels.md``.

Speed: the table image (and its depth) is the same in every env and frame, so it is drawn
once; a frame starts every env from it and draws each small part (goal, cube, ee-mode TCP and
tool) only inside a fixed-size window around its projection (``windows.py``), depth-testing
against what is already drawn. Drawing order table, goal, cube, spheres, cylinders with a
strict "nearer than" test keeps the all-pixel renderer's tie order. The joint-mode arm
reaches up to the eye, so its parts are tested on every pixel.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from embodichain_rl.envs.push_cube.camera import CameraRays, camera_rays
from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.kinematics import frame_origins
from embodichain_rl.envs.push_cube.raycast import (
    cylinder_distance,
    sphere_distance,
    table_distance,
    yawed_box_distance,
)
from embodichain_rl.envs.push_cube.render import BACKGROUND, CUBE, TABLE, TCP
from embodichain_rl.envs.push_cube.shading import cube_light, round_light
from embodichain_rl.envs.push_cube.windows import (
    ScreenWindows,
    nearest_distance,
    stick_window,
    window_shape,
)

# The table, cube, TCP and background keep the top-down overview's colours.
GOAL = (60, 190, 90)
GOAL_CENTRE = (20, 110, 45)
LINK = (170, 172, 180)
JOINT = (90, 92, 104)
TOOL = (70, 70, 80)

ARM_RADIUS = 0.05
"""Radius of the UR10 link capsules (m)."""
TOOL_RADIUS = 0.01
"""Radius of the tool stick from the flange to the TCP sphere (m); as thick as the TCP
sphere so that it stays visible at 64 px."""
GOAL_DOT_RADIUS = 0.02
"""Radius of the darker dot marking the goal centre (m)."""


class CameraImages(NamedTuple):
    """One batched camera frame."""

    rgb: torch.Tensor
    """``uint8 [N, 3, H, W]``."""
    depth: torch.Tensor | None
    """``float32 [N, 1, H, W]`` distance along the optical axis (m), or ``None``."""


class Discs(NamedTuple):
    """Several coloured goal discs per env (radius ``success_threshold``, with a centre dot)."""

    centres: torch.Tensor
    """``[N, K, 2]`` disc centres on the table (m)."""
    rgb: torch.Tensor
    """``uint8 [N, K, 3]`` disc colours."""
    dot_rgb: torch.Tensor
    """``uint8 [N, K, 3]`` colours of the centre dots."""


class Canvas(NamedTuple):
    """A frame being drawn: per pixel the nearest hit so far and its colour."""

    t: torch.Tensor
    """``[N, P]`` distance along the ray (m); ``camera.far`` where nothing is hit."""
    rgb: torch.Tensor
    """``uint8 [N, 3, P]``."""


def to_uint8(colour: torch.Tensor) -> torch.Tensor:
    """Colour in [0, 1] to ``uint8`` (0..255, rounded)."""
    return colour.mul(255.0).round_().to(torch.uint8)


class CameraRenderer:
    """Draws ``N`` PushCube states at once; everything env-independent is built once."""

    def __init__(
        self,
        cfg: PushCubeConfig,
        device: torch.device,
        joint_mode: bool,
        cube_rgb: tuple[int, int, int] = CUBE,
    ) -> None:
        self.cfg, self.camera, self.joint_mode = cfg, cfg.camera, joint_mode
        f32 = dict(dtype=torch.float32, device=device)
        self.rays: CameraRays = camera_rays(cfg.camera, device)
        table_t, self.table_xy = table_distance(
            self.rays.origin, self.rays.directions, cfg.table_x_range, cfg.table_y_range
        )
        self.table_t = table_t.clamp(max=cfg.camera.far)
        self.table_seen = self.table_t < cfg.camera.far
        rgb = torch.where(
            self.table_seen, to_uint8(_colour(TABLE, f32)), to_uint8(_colour(BACKGROUND, f32))
        )
        self.table_rgb = rgb  # [3, P]
        light = torch.tensor(cfg.camera.light_dir, **f32)
        self.light = light / light.norm()
        self.cube_colour = _colour(cube_rgb, f32)
        self.goal_rgb = to_uint8(_colour(GOAL, f32))
        self.dot_rgb = to_uint8(_colour(GOAL_CENTRE, f32))
        self._up = torch.tensor((0.0, 0.0, 1.0), **f32)
        self.windows = ScreenWindows(cfg.camera, device)
        self._plan_windows(cfg)
        if joint_mode:  # spheres: base, joints 1..6, TCP; cylinders: 6 links + the tool
            sphere_r = [ARM_RADIUS * 1.3] + [ARM_RADIUS] * 6 + [cfg.tcp_radius]
            cyl_r = [ARM_RADIUS * 1.3] + [ARM_RADIUS] * 5 + [TOOL_RADIUS]
            sphere_c, cyl_c = [JOINT] * 7 + [TCP], [JOINT] + [LINK] * 5 + [TOOL]
        else:  # the TCP sphere and the tool standing on it
            sphere_r, cyl_r, sphere_c, cyl_c = [cfg.tcp_radius], [TOOL_RADIUS], [TCP], [TOOL]
        self.sphere_radii = torch.tensor(sphere_r, **f32)
        self.cylinder_radii = torch.tensor(cyl_r, **f32)
        self.sphere_colours = torch.tensor(sphere_c, **f32) / 255.0  # [S, 3]
        self.cylinder_colours = torch.tensor(cyl_c, **f32) / 255.0

    def _plan_windows(self, cfg: PushCubeConfig) -> None:
        """Window sizes from the camera and the places each part can be (see windows.py)."""
        cam, eye, half = cfg.camera, cfg.camera.eye, cfg.cube_half_size
        # Whatever its xy, the cube centre is at z = half and the goal on z = 0.
        self.cube_window = window_shape(cam, half * 3**0.5, abs(eye[2] - half))
        self.goal_window = window_shape(cam, cfg.success_threshold, abs(eye[2]))
        # ee mode keeps the TCP in the workspace box (lifted over the cube at most).
        low, high = cfg.ee_workspace_low, cfg.ee_workspace_high
        top = max(high[2], 2.0 * half + cfg.tcp_radius)
        tcp_box = ((low[0], low[1], 0.0), (high[0], high[1], top))
        self.tcp_window = window_shape(cam, cfg.tcp_radius, nearest_distance(eye, tcp_box))
        self.tool_window = stick_window(cam, cfg.tool_offset, TOOL_RADIUS, tcp_box)

    # ---------------------------------------------------------------------------- frame
    def render(
        self,
        *,
        tcp: torch.Tensor,
        cube: torch.Tensor,
        goal: torch.Tensor,
        qpos: torch.Tensor | None = None,
        discs: Discs | None = None,
    ) -> CameraImages:
        """The camera images of ``N`` states: ``tcp [N, 3]``, ``cube [N, 3]`` (x, y, yaw),
        ``goal [N, 2]``, ``qpos [N, 6]`` (joint mode only); ``discs``, when given, are drawn
        in their own colours in place of the one green goal disc."""
        n, p = tcp.shape[0], self.table_t.shape[0]
        canvas = Canvas(self.table_t.expand(n, p).clone(), self.table_rgb.expand(n, 3, p).clone())
        if discs is None:
            self._draw_goal(canvas, goal.float(), self.goal_rgb, self.dot_rgb)
        else:
            for k in range(discs.centres.shape[1]):
                disc_rgb, dot_rgb = discs.rgb[:, k, :, None], discs.dot_rgb[:, k, :, None]
                self._draw_goal(canvas, discs.centres[:, k].float(), disc_rgb, dot_rgb)
        self._draw_cube(canvas, cube.float())
        if self.joint_mode:
            assert qpos is not None
            self._draw_arm(canvas, frame_origins(qpos, self.cfg.tool_offset))
        else:
            self._draw_ee_tool(canvas, tcp.float())
        h, w, far = self.camera.height, self.camera.width, self.camera.far
        depth = None
        if self.camera.depth:
            depth = torch.where(canvas.t < far, canvas.t * self.rays.axial, far).view(n, 1, h, w)
        return CameraImages(canvas.rgb.view(n, 3, h, w), depth)

    # ---------------------------------------------------------------------------- parts
    def _draw_goal(
        self, canvas: Canvas, goal: torch.Tensor, disc_rgb: torch.Tensor, dot_rgb: torch.Tensor
    ) -> None:
        """A goal disc ``goal [N, 2]`` and its centre dot, on the table pixels of its window;
        colours ``uint8 [3, 1]`` (every env) or ``[N, 3, 1]`` (per env)."""
        centre = torch.cat((goal, torch.zeros_like(goal[:, :1])), -1)[:, None]
        idx = self.windows.pixels(centre, self.goal_window)
        xy = self.table_xy.index_select(1, idx.reshape(-1)).view(2, *idx.shape)
        rel = xy.permute(1, 0, 2) - goal[:, :, None]  # [N, 2, M]
        r2 = (rel * rel).sum(1)
        seen = self.table_seen.index_select(0, idx.reshape(-1)).view(idx.shape)
        radius = self.cfg.success_threshold
        idx3 = idx[:, None].expand(-1, 3, -1)
        old = canvas.rgb.gather(2, idx3)
        disc = (seen & (r2 <= radius * radius))[:, None]
        dot = (seen & (r2 <= GOAL_DOT_RADIUS * GOAL_DOT_RADIUS))[:, None]
        new = torch.where(dot, dot_rgb, torch.where(disc, disc_rgb, old))
        canvas.rgb.scatter_(2, idx3, new)

    def _draw_cube(self, canvas: Canvas, cube: torch.Tensor) -> None:
        """The yawed box, Lambert shaded per face, inside its window."""
        half = self.cfg.cube_half_size
        centre = torch.cat((cube[:, :2], cube.new_full((cube.shape[0], 1), half)), -1)
        idx = self.windows.pixels(centre[:, None], self.cube_window)
        dirs = self._window_rays(idx)
        t, face = yawed_box_distance(self.rays.origin, dirs, centre, cube[:, 2], half)
        light = cube_light(face, cube[:, 2], dirs, self.light, self.camera.ambient)
        colour = to_uint8(self.cube_colour * light[:, None])
        _composite(canvas, idx, t, colour)

    def _draw_ee_tool(self, canvas: Canvas, tcp: torch.Tensor) -> None:
        """ee mode: the TCP sphere and the tool stick standing on it, each in its windows."""
        idx = self.windows.pixels(tcp[:, None], self.tcp_window)
        dirs = self._window_rays(idx)
        t = sphere_distance(self.rays.origin, dirs, tcp[:, None], self.sphere_radii)
        self._draw_round(canvas, idx, dirs, t, tcp[:, None], None, sphere=True)
        start = tcp[:, None]
        top = (tcp + self.cfg.tool_offset * self._up)[:, None]
        idx = self.windows.stick(tcp, top[:, 0], self.tool_window)
        dirs = self._window_rays(idx)
        t = cylinder_distance(self.rays.origin, dirs, start, top, self.cylinder_radii)
        self._draw_round(canvas, idx, dirs, t, start, top - start, sphere=False)

    def _draw_arm(self, canvas: Canvas, points: torch.Tensor) -> None:
        """joint mode: joint spheres (and the TCP), then links (and the tool), every pixel."""
        dirs = self.rays.directions
        t = sphere_distance(self.rays.origin, dirs, points, self.sphere_radii)
        self._draw_round(canvas, None, dirs, t, points, None, sphere=True)
        starts, ends = points[:, :-1], points[:, 1:]
        t = cylinder_distance(self.rays.origin, dirs, starts, ends, self.cylinder_radii)
        self._draw_round(canvas, None, dirs, t, starts, ends - starts, sphere=False)

    # -------------------------------------------------------------------------- helpers
    def _window_rays(self, idx: torch.Tensor) -> torch.Tensor:
        """Directions ``[N, 3, M]`` of the pixels ``idx [N, M]`` (each component contiguous)."""
        flat = self.rays.directions.index_select(1, idx.reshape(-1))
        return flat.view(3, *idx.shape).permute(1, 0, 2)

    def _draw_round(
        self,
        canvas: Canvas,
        idx: torch.Tensor | None,
        dirs: torch.Tensor,
        dist: torch.Tensor,
        start: torch.Tensor,
        axis: torch.Tensor | None,
        *,
        sphere: bool,
    ) -> None:
        """Draw the nearest of K spheres / cylinders (``dist [N, K, M]``, ``start`` / ``axis``
        ``[N, K, 3]``) on the pixels ``idx`` (``None``: all), rays ``dirs [.., 3, M]``."""
        radii = self.sphere_radii if sphere else self.cylinder_radii
        colours = self.sphere_colours if sphere else self.cylinder_colours
        if dist.shape[1] == 1:  # one part: no per-pixel lookups
            t, radius, colour = dist[:, 0], radii[0], colours[0][:, None]
            start_pix, axis_pix = start, axis
        else:
            t, k = dist.min(dim=1)
            pick = k[..., None].expand(-1, -1, 3)
            start_pix = start.gather(1, pick)
            axis_pix = None if axis is None else axis.gather(1, pick)
            radius = radii.index_select(0, k.reshape(-1)).view(k.shape)
            colour = colours.index_select(0, k.reshape(-1)).view(*k.shape, 3).permute(0, 2, 1)
        rays = (self.rays.origin, dirs)
        light = (self.light, self.camera.ambient)
        light = round_light(t.clamp(max=self.camera.far), rays, start_pix, axis_pix, radius, light)
        colour = to_uint8(colour * light[:, None])
        _composite(canvas, idx, t, colour)


def _colour(rgb: tuple[int, int, int], f32: dict) -> torch.Tensor:
    """``[3, 1]`` colour in [0, 1]."""
    return torch.tensor(rgb, **f32)[:, None] / 255.0


def _composite(
    canvas: Canvas, idx: torch.Tensor | None, t: torch.Tensor, rgb: torch.Tensor
) -> None:
    """Write ``t [N, M]`` and ``rgb [N, 3, M]`` where nearer than what the canvas holds at
    the pixels ``idx [N, M]`` (``None``: every pixel, ``M = P``)."""
    if idx is None:
        nearer = t < canvas.t
        canvas.t.copy_(torch.where(nearer, t, canvas.t))
        canvas.rgb.copy_(torch.where(nearer[:, None], rgb, canvas.rgb))
        return
    old_t = canvas.t.gather(1, idx)
    nearer = t < old_t
    canvas.t.scatter_(1, idx, torch.where(nearer, t, old_t))
    idx3 = idx[:, None].expand(-1, 3, -1)
    old = canvas.rgb.gather(2, idx3)
    canvas.rgb.scatter_(2, idx3, torch.where(nearer[:, None], rgb, old))
