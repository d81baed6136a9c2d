"""Bad VLA input, as a user types it: each case is a real ``embodichain-train`` run that must
exit 2 with one ``error:`` line naming the key, print no traceback and write nothing (the
same check as ``test_bad_input``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import test_bad_input as bad

VLA = ("env=push_cube_language", "policy=vla", "env.num_envs=4")

CASES: dict[str, bad.Case] = {
    "vla-model-path-missing": bad.Case(
        bad._train(*VLA, "policy.model_path=/nonexistent/vla_model"),
        ["policy.model_path=/nonexistent/vla_model", "config.json missing", "save_pretrained"],
    ),
    "vla-on-an-env-without-language": bad.Case(
        bad._train("policy=vla", "env.obs_mode=rgb_state", "env.num_envs=4"),
        ["policy.instruction_key=instruction", "env=push_cube_language"],
    ),
    "vla-on-a-flat-env": bad.Case(
        bad._train("policy=vla", "env.num_envs=4"),
        ["policy=vla reads a camera image and an instruction", "env=push_cube_language"],
    ),
    "vla-patch-not-dividing-the-camera": bad.Case(
        bad._train(*VLA, "policy.tiny.patch_size=5"),
        ["policy.tiny.patch_size=5", "48"],
    ),
    "vla-unknown-critic": bad.Case(
        bad._train(*VLA, "policy.critic=mlp"),
        ["critic must be one of ['pooled', 'none'], got 'mlp'"],
    ),
    "language-env-in-state-mode": bad.Case(
        bad._train(*VLA, "env.obs_mode=state"),
        ["obs_mode", "PushCubeLanguage", "rgb_state"],
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in CASES.items()])
def test_vla_bad_input_is_one_line_exit_2_and_writes_nothing(
    case: bad.Case, tmp_path: Path
) -> None:
    bad.test_bad_input_is_one_line_exit_2_and_writes_nothing(case, tmp_path)
