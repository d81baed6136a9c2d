"""Bad pixel-observation input, as a user types it: each case is a real ``embodichain-train``
run that must exit 2 with one ``error:`` line naming the key, print no traceback and write
nothing (the same check as ``test_bad_input``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import test_bad_input as bad

RGB = ("env.obs_mode=rgb_state", "env.num_envs=4")

CASES: dict[str, bad.Case] = {
    "obs-mode-unknown": bad.Case(
        bad._train("env.obs_mode=pixels"),
        ["env.obs_mode", "'pixels'", "rgb_state"],
    ),
    "image-without-an-encoder": bad.Case(
        bad._train(*RGB),
        ["policy.encoder.type is none", "'rgb'", "nature_cnn or impala"],
    ),
    "image-smaller-than-the-encoder-takes": bad.Case(
        bad._train(
            *RGB, "policy.encoder.type=nature_cnn", "env.camera.width=32", "env.camera.height=32"
        ),
        ["nature_cnn", "36", "env.camera.width/height"],
    ),
    "actor-reads-an-unknown-key": bad.Case(
        bad._train(*RGB, "policy.encoder.type=impala", "policy.actor_obs=[rgb,proprio]"),
        ["policy.actor_obs", "'proprio'", "privileged"],
    ),
    "images-with-an-off-policy-learner": bad.Case(
        bad._train(*RGB, "algorithm=td3", "policy=td3_actor_critic"),
        ["algorithm=td3", "env.obs_mode=rgb_state", "algorithm=ppo"],
    ),
    "images-with-grpo-actor-only": bad.Case(
        bad._train(*RGB, "algorithm=grpo", "policy=actor_only"),
        ["policy=actor_only reads flat observations", "env.obs_mode=rgb_state"],
    ),
    "camera-on-mujoco": bad.Case(
        bad._train("env=push_cube_mujoco", "env.obs_mode=rgb"),
        ["obs_mode", "PushCubeMuJoCo", "env=push_cube"],
    ),
    "camera-width-out-of-range": bad.Case(
        bad._train("env.obs_mode=rgb", "env.camera.width=4"),
        ["env.camera.width must be in [8, 512], got 4"],
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in CASES.items()])
def test_pixel_bad_input_is_one_line_exit_2_and_writes_nothing(
    case: bad.Case, tmp_path: Path
) -> None:
    bad.test_bad_input_is_one_line_exit_2_and_writes_nothing(case, tmp_path)
