"""UR10 forward kinematics (standard DH, closed form, batched) plus the pusher tool offset.

Standard DH table of the UR10 (Universal Robots' published values, metres / radians)::

    joint   d          a        alpha
    1       0.1273     0        +pi/2
    2       0          -0.612   0
    3       0          -0.5723  0
    4       0.163941   0        +pi/2
    5       0.1157     0        -pi/2
    6       0.0922     0        0

Chaining the six transforms by hand gives the flange position in closed form; the tool tip
(TCP) sits ``tool_offset`` further along the flange z axis, so it does not depend on joint 6.
With ``s_i = sin``, ``c_i = cos`` of ``q1``, ``q2``, ``q23 = q2 + q3``, ``q234 = q23 + q4``
and ``q5``, and ``L = d6 + tool_offset``::

    radial = a2 c2 + a3 c23 + d5 s234 - L s5 c234      (along (c1, s1, 0))
    side   = d4 + L c5                                  (along (s1, -c1, 0))
    x = radial c1 + side s1
    y = radial s1 - side c1
    z = d1 + a2 s2 + a3 s23 - d5 c234 - L s5 s234
"""

from __future__ import annotations

import torch

D1 = 0.1273
A2 = -0.612
A3 = -0.5723
D4 = 0.163941
D5 = 0.1157
D6 = 0.0922

# Maps joint angles q1..q5 to the five angle sums the closed form needs.
_SUMS = torch.tensor(
    [
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 1.0, 1.0, 0.0],
        [0.0, 0.0, 1.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 1.0],
    ]
)


def tcp_position(q: torch.Tensor, tool_offset: float) -> torch.Tensor:
    """TCP position ``[..., 3]`` (metres, robot base frame) for joint angles ``q [..., 6]``."""
    length = D6 + tool_offset
    angles = q[..., :5] @ _SUMS.to(device=q.device, dtype=q.dtype)
    s = torch.sin(angles)
    c = torch.cos(angles)
    s1, s2, s23, s234, s5 = s.unbind(-1)
    c1, c2, c23, c234, c5 = c.unbind(-1)
    radial = A2 * c2 + A3 * c23 + D5 * s234 - length * s5 * c234
    side = D4 + length * c5
    x = radial * c1 + side * s1
    y = radial * s1 - side * c1
    z = D1 + A2 * s2 + A3 * s23 - D5 * c234 - length * s5 * s234
    return torch.stack((x, y, z), dim=-1)


def frame_origins(q: torch.Tensor, tool_offset: float) -> torch.Tensor:
    """Origins ``[..., 8, 3]`` of base, frames 1..6 and the TCP, for drawing the arm."""
    q1, q2, q3, q4, q5 = q[..., :5].unbind(-1)
    q23 = q2 + q3
    q234 = q23 + q4
    zero = torch.zeros_like(q1)
    x1 = torch.stack((torch.cos(q1), torch.sin(q1), zero), -1)
    y1 = torch.stack((zero, zero, torch.ones_like(q1)), -1)
    z1 = torch.stack((torch.sin(q1), -torch.cos(q1), zero), -1)
    x4 = torch.cos(q234)[..., None] * x1 + torch.sin(q234)[..., None] * y1
    z4 = torch.sin(q234)[..., None] * x1 - torch.cos(q234)[..., None] * y1
    z5 = -torch.sin(q5)[..., None] * x4 + torch.cos(q5)[..., None] * z1
    o0 = torch.zeros_like(x1)
    o1 = o0 + D1 * y1
    o2 = o1 + A2 * (torch.cos(q2)[..., None] * x1 + torch.sin(q2)[..., None] * y1)
    o3 = o2 + A3 * (torch.cos(q23)[..., None] * x1 + torch.sin(q23)[..., None] * y1)
    o4 = o3 + D4 * z1
    o5 = o4 + D5 * z4
    o6 = o5 + D6 * z5
    tcp = o6 + tool_offset * z5
    return torch.stack((o0, o1, o2, o3, o4, o5, o6, tcp), dim=-2)


def position_jacobian(q: torch.Tensor, tool_offset: float, eps: float = 1e-4) -> torch.Tensor:
    """Central-difference Jacobian ``[..., 3, 6]`` of the TCP position w.r.t. the joints."""
    steps = torch.eye(6, device=q.device, dtype=q.dtype) * eps
    plus = tcp_position(q[..., None, :] + steps, tool_offset)
    minus = tcp_position(q[..., None, :] - steps, tool_offset)
    return ((plus - minus) / (2.0 * eps)).transpose(-1, -2)


def dls_step(jac: torch.Tensor, err: torch.Tensor, damping: float) -> torch.Tensor:
    """Damped-least-squares joint step ``J^T (J J^T + damping^2 I)^-1 err``."""
    eye = torch.eye(jac.shape[-2], device=jac.device, dtype=jac.dtype)
    jjt = jac @ jac.transpose(-1, -2) + (damping**2) * eye
    sol = torch.linalg.solve(jjt, err[..., None])
    return (jac.transpose(-1, -2) @ sol)[..., 0]
