"""The windowed camera renderer draws exactly what an all-pixel renderer draws.

``reference_render`` below is the straightforward renderer (every primitive tested on every
pixel, nearest hit by one ``min``, then shading), written here without the window, canvas or
shading code of ``pixels.py``; it shares only the ray-primitive distances of ``raycast.py``
and the constant rays / table hits.
"""

from __future__ import annotations

import math

import pytest
import torch

from embodichain_rl.envs.push_cube.camera import camera_frame, camera_rays, focal_pixels
from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.kinematics import frame_origins
from embodichain_rl.envs.push_cube.pixels import (
    ARM_RADIUS,
    BACKGROUND,
    CUBE,
    GOAL,
    GOAL_CENTRE,
    GOAL_DOT_RADIUS,
    JOINT,
    LINK,
    TABLE,
    TCP,
    TOOL,
    TOOL_RADIUS,
    CameraRenderer,
)
from embodichain_rl.envs.push_cube.raycast import (
    cylinder_distance,
    sphere_distance,
    yawed_box_distance,
)
from embodichain_rl.envs.push_cube.windows import ScreenWindows, stick_window, window_shape


def lambert(cosine: torch.Tensor, ambient: float) -> torch.Tensor:
    return cosine.clamp(min=0.0) * (1.0 - ambient) + ambient


def reference_render(
    r: CameraRenderer, tcp: torch.Tensor, cube: torch.Tensor, goal: torch.Tensor, qpos: object
) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 ``[N, 3, P]`` and depth ``[N, P]`` with every primitive on every pixel."""
    cfg, cam = r.cfg, r.camera
    origin, dirs = r.rays.origin, r.rays.directions
    n, half = tcp.shape[0], cfg.cube_half_size
    if r.joint_mode:
        points = frame_origins(qpos, cfg.tool_offset)
        centres, starts, ends = points, points[:, :-1], points[:, 1:]
        sphere_r = [ARM_RADIUS * 1.3] + [ARM_RADIUS] * 6 + [cfg.tcp_radius]
        cyl_r = [ARM_RADIUS * 1.3] + [ARM_RADIUS] * 5 + [TOOL_RADIUS]
        colours = [JOINT] * 7 + [TCP] + [JOINT] + [LINK] * 5 + [TOOL]
    else:
        top = tcp + torch.tensor([0.0, 0.0, cfg.tool_offset])
        centres, starts, ends = tcp[:, None], tcp[:, None], top[:, None]
        sphere_r, cyl_r, colours = [cfg.tcp_radius], [TOOL_RADIUS], [TCP, TOOL]
    sphere_radii, cyl_radii = torch.tensor(sphere_r), torch.tensor(cyl_r)
    palette = torch.tensor([TABLE, CUBE, *colours], dtype=torch.float32) / 255.0
    cube_centre = torch.cat((cube[:, :2], torch.full((n, 1), half)), -1)
    # Per-env rays (element-wise dot products, as in windows) for all but the arm.
    each = dirs.expand(n, 3, -1)
    box_t, face = yawed_box_distance(origin, each, cube_centre, cube[:, 2], half)
    round_rays = dirs if r.joint_mode else each  # the arm is drawn on every pixel
    dist = torch.cat(
        (
            r.table_t.expand(n, 1, -1),
            box_t[:, None],
            sphere_distance(origin, round_rays, centres, sphere_radii),
            cylinder_distance(origin, round_rays, starts, ends, cyl_radii),
        ),
        dim=1,
    )
    t, index = dist.min(dim=1)
    # Shading: cube faces, then round parts (normal from the closest axis point).
    cos, sin = torch.cos(cube[:, 2:3]), torch.sin(cube[:, 2:3])
    lx, ly, lz = r.light.unbind()
    x_term = -torch.sign(cos * dirs[0] + sin * dirs[1]) * (cos * lx + sin * ly)
    y_term = -torch.sign(-sin * dirs[0] + cos * dirs[1]) * (-sin * lx + cos * ly)
    top_term = (-torch.sign(dirs[2]) * lz).expand_as(x_term)
    cube_cos = torch.where(face == 0, x_term, torch.where(face == 1, y_term, top_term))
    a = torch.cat((centres, starts), 1)
    axis = torch.cat((torch.zeros_like(centres), ends - starts), 1)
    k = (index - 2).clamp(min=0)[..., None].expand(-1, -1, 3)
    a_pix, u_pix = a.gather(1, k), axis.gather(1, k)
    tc = t.clamp(max=cam.far)
    rel = [origin[c] + tc * dirs[c] - a_pix[..., c] for c in range(3)]
    u = [u_pix[..., c] for c in range(3)]
    uu = (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]).clamp(min=1e-12)
    s = ((rel[0] * u[0] + rel[1] * u[1] + rel[2] * u[2]) / uu).clamp(0.0, 1.0)
    normal = [rel[c] - s * u[c] for c in range(3)]
    dot = normal[0] * lx + normal[1] * ly + normal[2] * lz
    round_cos = dot / torch.cat((sphere_radii, cyl_radii))[k[..., 0]]
    light = torch.where(index == 1, lambert(cube_cos, cam.ambient), 1.0)
    light = torch.where(index >= 2, lambert(round_cos, cam.ambient), light)
    colour = palette[index].permute(0, 2, 1) * light[:, None]
    r2 = ((r.table_xy[None] - goal[:, :, None]) ** 2).sum(1)
    on_table = (index == 0)[:, None]
    goal_c = torch.tensor(GOAL, dtype=torch.float32)[:, None] / 255.0
    dot_c = torch.tensor(GOAL_CENTRE, dtype=torch.float32)[:, None] / 255.0
    colour = torch.where(on_table & (r2 <= cfg.success_threshold**2)[:, None], goal_c, colour)
    colour = torch.where(on_table & (r2 <= GOAL_DOT_RADIUS**2)[:, None], dot_c, colour)
    background = torch.tensor(BACKGROUND, dtype=torch.float32)[:, None] / 255.0
    colour = torch.where((t >= cam.far)[:, None], background, colour)
    rgb = (colour * 255.0).round().to(torch.uint8)
    depth = torch.where(t < cam.far, t * r.rays.axial, cam.far)
    return rgb, depth


def random_states(cfg: PushCubeConfig, n: int, joint: bool, seed: int) -> dict:
    """Cube anywhere on the table (and a little past it), goal anywhere, TCP anywhere in
    the ee workspace (or the arm around its start pose); a quarter of the TCPs touch the
    cube so that parts overlap."""
    g = torch.Generator().manual_seed(seed)

    def uniform(low: tuple[float, ...], high: tuple[float, ...]) -> torch.Tensor:
        lo, hi = torch.tensor(low), torch.tensor(high)
        return lo + (hi - lo) * torch.rand(n, len(low), generator=g)

    (x0, x1), (y0, y1) = cfg.table_x_range, cfg.table_y_range
    cube = uniform((x0 - 0.1, y0 - 0.1, -math.pi), (x1 + 0.1, y1 + 0.1, math.pi))
    goal = uniform((x0 - 0.1, y0 - 0.1), (x1 + 0.1, y1 + 0.1))
    goal[: n // 4] = cube[: n // 4, :2] + 0.05  # goal disc under the cube
    low = (*cfg.ee_workspace_low[:2], cfg.tcp_radius)
    tcp = uniform(low, cfg.ee_workspace_high)
    near = cube[n // 4 : n // 2, :2] + 0.03  # TCP touching the cube's side / top
    tcp[n // 4 : n // 2] = torch.cat((near, torch.full((near.shape[0], 1), 0.02)), -1)
    qpos = None
    if joint:
        start = torch.tensor(cfg.init_qpos)
        qpos = start + 0.6 * (2.0 * torch.rand(n, 6, generator=g) - 1.0)
        tcp = frame_origins(qpos, cfg.tool_offset)[:, -1]
    return {"tcp": tcp, "cube": cube, "goal": goal, "qpos": qpos}


CAMERAS = [
    {"width": 64, "height": 64},
    {"width": 48, "height": 48, "depth": True},
    {"width": 96, "height": 96, "eye": (0.2, -0.9, 0.7), "fov_deg": 55.0, "depth": True},
    {"width": 64, "height": 48, "eye": (0.5, -1.0, 0.05), "look_at": (0.5, 0.0, 0.05)},
    {"width": 48, "height": 64, "eye": (0.6, 0.0, 1.6), "look_at": (0.6, 0.05, 0.0)},
]


@pytest.mark.parametrize("joint", [False, True], ids=["ee", "joint"])
@pytest.mark.parametrize("camera", CAMERAS, ids=lambda c: f"{c['width']}x{c['height']}")
def test_windowed_frame_equals_the_all_pixel_frame(camera: dict, joint: bool) -> None:
    mode = "joint_delta_pos" if joint else "ee_delta_pos"
    cfg = PushCubeConfig().replace(control_mode=mode, camera=camera)
    renderer = CameraRenderer(cfg, torch.device("cpu"), joint)
    state = random_states(cfg, 32, joint, seed=len(str(camera)))
    with torch.inference_mode():
        images = renderer.render(**state)
        rgb, depth = reference_render(renderer, **state)
    n, h, w = 32, camera["height"], camera["width"]
    assert images.rgb.shape == (n, 3, h, w)
    torch.testing.assert_close(images.rgb, rgb.view(n, 3, h, w), rtol=0, atol=0)
    if camera.get("depth"):
        assert images.depth is not None
        torch.testing.assert_close(images.depth, depth.view(n, 1, h, w), rtol=0, atol=0)
    drawn = (images.rgb.view(n, 3, -1) != renderer.table_rgb).any(1).sum(1)
    assert (drawn > 0).float().mean() > 0.5  # most frames show more than the table


def test_windows_are_smaller_than_the_image_unless_a_part_can_reach_the_eye() -> None:
    cfg = PushCubeConfig().replace(control_mode="ee_delta_pos")
    renderer = CameraRenderer(cfg, torch.device("cpu"), False)
    for shape in (renderer.cube_window, renderer.goal_window, renderer.tcp_window):
        assert shape.pixels < cfg.camera.width * cfg.camera.height // 3
    low = cfg.replace(camera=CAMERAS[3])  # eye 5 cm above the table: the cube can touch it
    assert CameraRenderer(low, torch.device("cpu"), False).cube_window == (48, 64)


@pytest.mark.parametrize("camera", CAMERAS[:3], ids=lambda c: f"{c['width']}x{c['height']}")
def test_every_pixel_a_sphere_covers_lies_in_its_window(camera: dict) -> None:
    """Spheres at the nearest allowed distance, in directions up to their angular radius
    beyond the image corners: each pixel their all-pixel ray test hits is in the window."""
    cam = PushCubeConfig().replace(camera=camera).camera
    radius, nearest = 0.05, 0.4
    shape = window_shape(cam, radius, nearest)
    assert shape.rows < cam.height
    rays = camera_rays(cam, "cpu")
    frame = camera_frame(cam)
    alpha = math.asin(radius / nearest)
    half_w = math.atan(0.5 * cam.width / focal_pixels(cam)) + alpha
    half_h = math.atan(0.5 * cam.height / focal_pixels(cam)) + alpha
    g = torch.Generator().manual_seed(0)
    a = (2 * torch.rand(400, generator=g, dtype=torch.float64) - 1) * half_w
    b = (2 * torch.rand(400, generator=g, dtype=torch.float64) - 1) * half_h
    a[:8] = torch.tensor([1.0, -1.0] * 4, dtype=torch.float64) * half_w  # the corners
    b[:8] = torch.tensor([1.0, 1.0, -1.0, -1.0] * 2, dtype=torch.float64) * half_h
    way = frame.forward + torch.tan(a)[:, None] * frame.right + torch.tan(b)[:, None] * frame.up
    way = way / way.norm(dim=-1, keepdim=True)
    centres = (torch.tensor(cam.eye, dtype=torch.float64) + nearest * way).float()[:, None]
    hit = sphere_distance(rays.origin, rays.directions, centres, torch.tensor([radius]))[:, 0]
    inside = torch.zeros_like(hit, dtype=torch.bool)
    inside.scatter_(1, ScreenWindows(cam, "cpu").pixels(centres, shape), True)
    assert hit.isfinite().sum() > 1000  # many spheres are in view
    assert not (hit.isfinite() & ~inside).any()


@pytest.mark.parametrize("camera", CAMERAS, ids=lambda c: f"{c['width']}x{c['height']}")
def test_every_pixel_the_ee_tool_covers_lies_in_its_window(camera: dict) -> None:
    """Tool sticks standing anywhere in the TCP box (its corners and faces included): each
    pixel their all-pixel ray test hits is in the stick's window, which is much smaller than
    the image for the default camera."""
    cfg = PushCubeConfig().replace(control_mode="ee_delta_pos", camera=camera)
    cam, length = cfg.camera, cfg.tool_offset
    low = (cfg.ee_workspace_low[0], cfg.ee_workspace_low[1], 0.0)
    box = (low, cfg.ee_workspace_high)
    window = stick_window(cam, length, TOOL_RADIUS, box)
    g = torch.Generator().manual_seed(1)
    lo, hi = torch.tensor(box[0]), torch.tensor(box[1])
    u = torch.rand(600, 3, generator=g)
    u[:300] = u[:300].round()  # box corners, and points on its faces
    u[300:400, 0] = u[300:400, 0].round()
    u[400:500, 1] = u[400:500, 1].round()
    base = lo + (hi - lo) * u
    top = base + torch.tensor([0.0, 0.0, length])
    rays = camera_rays(cam, "cpu")
    hit = cylinder_distance(
        rays.origin, rays.directions, base[:, None], top[:, None], torch.tensor([TOOL_RADIUS])
    )[:, 0]
    inside = torch.zeros_like(hit, dtype=torch.bool)
    inside.scatter_(1, ScreenWindows(cam, "cpu").stick(base, top, window), True)
    assert hit.isfinite().sum() > 100  # many sticks are in view
    assert not (hit.isfinite() & ~inside).any()
    if camera == CAMERAS[0]:
        assert window.shape.pixels < cam.width * cam.height // 6
