"""PushCubeLanguage: discs, language, named-disc success, action chunks, expert, bridges."""

from __future__ import annotations

import itertools

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl.buffer.rollout_buffer import RolloutBuffer
from embodichain_rl.envs import PushCubeLanguageEnv, make_env
from embodichain_rl.envs.gym_adapter import GymnasiumEnv
from embodichain_rl.envs.push_cube.camera import project_points
from embodichain_rl.envs.push_cube_language.language import (
    COLOURS,
    TEMPLATES,
    VOCABULARY,
    decode,
    encode,
)
from embodichain_rl.envs.push_cube_language.render import FRAME_SIDE, TEXT_STRIP


def lang_env(num_envs: int = 4, **kw: object) -> PushCubeLanguageEnv:
    env = make_env("PushCubeLanguage", num_envs=num_envs, **kw)
    assert isinstance(env, PushCubeLanguageEnv)
    return env


def test_discs_are_separated_in_view_and_colours_permuted() -> None:
    env = lang_env(64, num_targets=4)
    env.reset(seed=0)
    seen_slots: set[tuple[int, int]] = set()
    for _ in range(6):
        discs, colours = env.discs, env.disc_colours
        gaps = (discs[:, :, None] - discs[:, None, :]).norm(dim=-1)
        gaps = gaps + torch.eye(4) * 10.0
        assert gaps.min() > 2.0 * env.cfg.success_threshold
        assert (colours.sort(dim=1).values == torch.arange(4)).all()  # a permutation
        seen_slots |= {(s, int(c)) for s in range(4) for c in colours[:, s].unique()}
        assert set(env.target.tolist()) == {0, 1, 2, 3}
        # Every disc (centre +- radius) projects inside the image.
        r = env.cfg.success_threshold
        ring = torch.tensor([(r, 0.0), (-r, 0.0), (0.0, r), (0.0, -r)])
        edge = (discs[:, :, None, :] + ring).reshape(-1, 2)
        pix = project_points(env.cfg.camera, torch.cat((edge, torch.zeros(len(edge), 1)), -1))
        assert pix.min() > 0 and pix.max() < 48
        env.reset()
    assert len(seen_slots) == 16  # every colour in every slot


def test_fixed_colours_keep_their_slots_and_the_target_still_varies() -> None:
    env = lang_env(64, num_targets=3, shuffle_colours=False)
    env.reset(seed=0)
    for _ in range(3):
        assert torch.equal(env.disc_colours, torch.arange(3).expand(64, 3))
        assert set(env.target.tolist()) == {0, 1, 2}  # the instruction still picks one
        texts = {env.instruction_text(i) for i in range(64)}
        assert texts == {f"push the cube to the {c} disc" for c in ("red", "blue", "green")}
        env.reset()


def test_starts_are_a_function_of_seed_and_shared_by_start_groups() -> None:
    a, b = lang_env(4, num_targets=3), lang_env(8, num_targets=3)
    a.reset(seed=7)
    b.reset(seed=7)
    assert torch.equal(a.discs, b.discs[:4]) and torch.equal(a.target, b.target[:4])
    b.reset(seed=7, options={"start_group_size": 4})
    assert torch.equal(b.discs[:4], b.discs[0].expand(4, -1, -1))
    assert torch.equal(b.disc_colours[:4], b.disc_colours[0].expand(4, -1))


def test_instruction_ids_round_trip_and_name_the_target_colour() -> None:
    words = ("<pad>", "push", "the", "cube", "to", "disc", "move", "red", "blue", "green")
    assert (*words, "yellow") == VOCABULARY
    for task, colour in itertools.product(TEMPLATES, COLOURS):
        text = TEMPLATES[task].format(colour=colour)
        assert decode(encode(text)) == text
    assert encode("move to the red disc") == [6, 4, 2, 7, 5, 0, 0]  # see VOCABULARY
    with pytest.raises(ValueError, match="purple"):
        encode("push the cube to the purple disc")
    for task, template in TEMPLATES.items():
        env = lang_env(16, task=task, num_targets=3)
        obs, _ = env.reset(seed=1)
        names = env.disc_colours.gather(1, env.target[:, None])[:, 0]
        expected = [template.format(colour=COLOURS[int(c)]) for c in names]
        assert env.instruction_texts() == expected
        assert env.instruction_text(5) == expected[5]
        assert obs["instruction"].dtype == torch.int64
        assert obs["instruction"].tolist() == [encode(text) for text in expected]


def _place(env: PushCubeLanguageEnv, cube_xy: torch.Tensor, tcp_xy: torch.Tensor) -> None:
    """Put the cube and the TCP (5 cm up, out of the cube's way) where asked, at rest."""
    env.cube = torch.cat((cube_xy, env.cube[:, 2:]), -1)
    env.tcp = torch.cat((tcp_xy, torch.full_like(tcp_xy[:, :1], 0.05)), -1)


@pytest.mark.parametrize("task", ["push", "reach"])
def test_success_only_on_the_named_disc(task: str) -> None:
    env = lang_env(6, task=task, num_targets=3)
    env.reset(seed=2)
    rows = torch.arange(6)
    named, wrong = env.discs[rows, env.target], env.discs[rows, (env.target + 1) % 3]
    far = torch.tensor([[0.3, 0.5]]).expand(6, 2)
    on_wrong = (wrong, far) if task == "push" else (far, wrong)
    _place(env, *on_wrong)
    _, _, terminated, _, info = env.step(torch.zeros(6, 3))
    assert not info["metrics"]["success"].any() and not terminated.any()
    _place(env, *((named, far) if task == "push" else (far, named)))
    _, reward, terminated, _, info = env.step(torch.zeros(6, 3))
    assert info["metrics"]["success"].all() and terminated.all()
    assert (reward >= env.cfg.success_bonus).all()


def _sub_steps(env: PushCubeLanguageEnv, actions: list[torch.Tensor]) -> list[tuple]:
    return [env.step(a) for a in actions]


@pytest.mark.parametrize("limit", [100, 2])
def test_chunk_equals_discounted_sub_steps(limit: int) -> None:
    """One H=3 decision against three H=1 steps; with a time limit of 2 the episode ends at
    sub-step 1: the reward stops there and the last sub-step gets the zero action."""
    h, gamma = 3, 0.9
    chunked = lang_env(5, action_chunk=h, chunk_discount=gamma, max_episode_steps=limit)
    single = lang_env(5, max_episode_steps=limit)
    chunked.reset(seed=4)
    single.reset(seed=4)
    action = torch.rand(5, 3 * h, generator=torch.Generator().manual_seed(0)) * 2 - 1
    obs, reward, terminated, truncated, info = chunked.step(action)
    parts = [action[:, 3 * j : 3 * j + 3] for j in range(h)]
    done_at = min(limit, h) - 1  # the sub-step whose done counts
    if done_at < h - 1:
        parts[done_at + 1 :] = [torch.zeros(5, 3)] * (h - 1 - done_at)
    steps = _sub_steps(single, parts)
    expected = sum(gamma**j * steps[j][1] for j in range(done_at + 1))
    torch.testing.assert_close(reward, expected)
    for key, value in info["rewards"].items():
        want = sum(gamma**j * steps[j][4]["rewards"][key] for j in range(done_at + 1))
        torch.testing.assert_close(value, want)
    torch.testing.assert_close(sum(info["rewards"].values()), reward)
    assert torch.equal(truncated, steps[done_at][3]) and torch.equal(terminated, steps[done_at][2])
    assert truncated.all() == (limit == 2)
    for key in obs:
        assert torch.equal(obs[key], steps[-1][0][key])
        assert torch.equal(info["final_obs"][key], steps[done_at][4]["final_obs"][key])
    assert torch.equal(
        info["metrics"]["elapsed_steps"], steps[done_at][4]["metrics"]["elapsed_steps"]
    )
    assert info["chunk_steps"].tolist() == [done_at + 1] * 5
    assert info["chunk_steps"].dtype == torch.int64


def test_demonstration_chunk_commands_zeros_after_the_done() -> None:
    env = lang_env(3, action_chunk=4, max_episode_steps=2, task="reach")
    env.reset(seed=0)
    action, (_, _, _, truncated, info) = env.demonstration_step()
    assert action.shape == (3, 12) and truncated.all()
    assert (action[:, :6].abs().sum(1) > 0).all() and (action[:, 6:] == 0).all()
    assert info["chunk_steps"].tolist() == [2, 2, 2]


@pytest.mark.parametrize(("task", "chunk", "floor"), [("push", 1, 0.9), ("reach", 2, 0.95)])
def test_scripted_expert_solves_the_named_disc(task: str, chunk: int, floor: float) -> None:
    env = lang_env(48, task=task, num_targets=2, action_chunk=chunk)
    env.reset(seed=3)
    finished = torch.zeros(48, dtype=torch.bool)
    success = torch.zeros(48, dtype=torch.bool)
    for _ in range(100 // chunk):
        _, (_, _, terminated, truncated, info) = env.demonstration_step()
        done = terminated | truncated
        success |= done & ~finished & info["metrics"]["success"]
        finished |= done
    assert finished.all() and success.float().mean() >= floor


def test_int64_instruction_through_buffer_and_gymnasium_bridges() -> None:
    env = lang_env(2)
    space = env.single_observation_space
    assert isinstance(space, gym.spaces.Dict)
    assert list(space) == ["rgb", "instruction", "state", "privileged"]
    assert space["instruction"].dtype == np.int64 and space["instruction"].high.max() == 10
    buffer = RolloutBuffer(num_steps=2, num_envs=2, obs_dim=space, action_dim=3, device="cpu")
    obs, _ = env.reset(seed=0)
    zeros = torch.zeros(2)
    buffer.add(
        obs=obs,
        actions=torch.zeros(2, 3),
        log_probs=zeros,
        rewards=zeros,
        dones=zeros,
        values=zeros,
    )
    assert buffer.obs["instruction"].dtype == torch.int64
    assert torch.equal(buffer.obs["instruction"][0], obs["instruction"])
    single = gym.make("PushCubeLanguage", num_targets=3)
    gym_obs, _ = single.reset(seed=0)
    assert gym_obs["instruction"].dtype == np.int64
    assert single.observation_space.contains(gym_obs)
    wrapped = GymnasiumEnv(gym_id="PushCubeLanguage", num_envs=2)
    assert wrapped.single_observation_space["instruction"].dtype == np.int64
    back, _ = wrapped.reset(seed=0)
    assert back["instruction"].dtype == torch.int64 and back["rgb"].dtype == torch.uint8
    assert decode(back["instruction"][0]).startswith("push the cube to the")
    wrapped.close()
    single.close()


def test_render_is_the_camera_image_over_the_instruction() -> None:
    env = lang_env(2, num_targets=3)
    env.reset(seed=0)
    frame = env.render(1)
    assert frame.shape == (FRAME_SIDE + TEXT_STRIP, FRAME_SIDE, 3) and frame.dtype == np.uint8
    image = env.render_images()[1].permute(1, 2, 0).numpy()
    scale = FRAME_SIDE // 48
    assert np.array_equal(frame[:FRAME_SIDE:scale, ::scale], image)
    strip = frame[FRAME_SIDE:]
    assert (strip == 255).mean() > 0.8 and (strip.sum(-1) < 200).sum() > 50  # text drawn
    # The observation's image shows each disc colour (red, blue, green, yellow palette).
    colours = {tuple(c) for c in image.reshape(-1, 3).tolist()}
    from embodichain_rl.envs.push_cube_language.discs import PALETTE

    shown = {PALETTE[int(c)] for c in env.disc_colours[1]}
    assert shown <= colours


def test_state_dict_round_trip_continues_identically() -> None:
    env = lang_env(4, action_chunk=2, max_episode_steps=6)
    env.reset(seed=9)
    gen = torch.Generator().manual_seed(1)
    actions = [torch.rand(4, 6, generator=gen) * 2 - 1 for _ in range(6)]
    for a in actions[:2]:
        env.step(a)
    state = env.state_dict()
    first = [env.step(a) for a in actions[2:]]
    env.load_state_dict(state)
    again = [env.step(a) for a in actions[2:]]
    for (o1, r1, *_), (o2, r2, *_) in zip(first, again, strict=True):
        assert torch.equal(r1, r2) and all(torch.equal(o1[k], o2[k]) for k in o1)
    assert {"discs", "disc_colours", "target"} <= set(state)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"obs_mode": "state"}, "obs_mode must be one of \\['rgb', 'rgb_state'\\]"),
        ({"num_targets": 5}, "num_targets must be in \\[2, 4\\]"),
        ({"task": "fly"}, "task must be one of"),
        ({"action_chunk": 0}, "action_chunk must be an integer >= 1"),
        ({"chunk_discount": 0.0}, "chunk_discount must be in"),
        ({"disc_distance_range": (0.05, 0.1)}, "disc_distance_range / disc_min_gap"),
    ],
)
def test_bad_config_fails_in_one_line(override: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        lang_env(1, **override)
    assert "\n" not in str(error.value)
