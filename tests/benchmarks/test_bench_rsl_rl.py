"""``embodichain-bench train --against rsl_rl``: the VecEnv adapter's mapping, one rsl_rl
iteration through the bench subject, the CLI rows, and the missing-extra error (tiny, no
timing)."""

from __future__ import annotations

import math
import re
import sys

import pytest
import torch

from embodichain_rl.cli.bench import main
from embodichain_rl.cli.bench_train import compose_config
from embodichain_rl.envs import make_env

NUMBER = r"[-+]?[\d,]*\.?\d+"
CPU = torch.device("cpu")


def test_adapter_maps_terminations_time_limits_and_episode_lengths() -> None:
    pytest.importorskip("rsl_rl")
    from rsl_rl.env import VecEnv

    from embodichain_rl.bench.rsl_rl_peer import EmbodiedVecEnv

    # Goals start 0.15-0.3 m from the cube: with a 0.2 m success radius some envs succeed
    # (terminate) every step and the others hit the 3-step time limit.
    kwargs = {"num_envs": 16, "max_episode_steps": 3, "success_threshold": 0.2}
    raw = make_env("PushCubeRL", **kwargs)
    adapter = EmbodiedVecEnv(make_env("PushCubeRL", **kwargs), seed=7)
    raw_obs, _ = raw.reset(seed=7)
    assert isinstance(adapter, VecEnv)
    assert (adapter.num_envs, adapter.num_actions, adapter.max_episode_length) == (16, 6, 3)
    assert list(adapter.get_observations().keys()) == ["policy"]
    torch.testing.assert_close(adapter.get_observations()["policy"], raw_obs)

    gen = torch.Generator().manual_seed(0)
    length = torch.zeros(16, dtype=torch.int64)
    saw_terminated = saw_truncated = False
    for _ in range(7):
        action = torch.rand(16, 6, generator=gen) * 2 - 1
        raw_obs, raw_reward, terminated, truncated, info = raw.step(action)
        obs, reward, dones, extras = adapter.step(action)
        torch.testing.assert_close(obs["policy"], raw_obs)
        torch.testing.assert_close(reward, raw_reward)
        torch.testing.assert_close(extras["final_obs"], info["final_obs"])
        assert dones.dtype == torch.int64
        assert torch.equal(dones, (terminated | truncated).long())
        assert torch.equal(extras["time_outs"], truncated & ~terminated)
        length = torch.where(terminated | truncated, 0, length + 1)
        assert torch.equal(adapter.episode_length_buf, length)
        saw_terminated |= bool(terminated.any())
        saw_truncated |= bool(truncated.any())
    assert saw_terminated and saw_truncated


def test_rsl_rl_subject_runs_one_iteration_of_the_same_work() -> None:
    pytest.importorskip("rsl_rl")
    from embodichain_rl.bench.rsl_rl_peer import RslRlPeer

    overrides = ["runtime.rollout_steps=8", "env.max_episode_steps=4"]
    cfg = compose_config(
        num_envs=16, control_mode="joint_delta_pos", device=CPU, overrides=overrides
    )
    validation = torch.distributions.Distribution._validate_args
    peer = RslRlPeer(cfg, CPU)
    subject = peer.subject()
    alg = peer.alg
    # Default config: 8 minibatches per epoch, 4 epochs over 8 x 16 samples.
    assert (alg.num_mini_batches, alg.num_learning_epochs) == (8, 4)
    assert (subject.env_steps, subject.samples) == (128, 4 * 8 * 16)
    assert alg.optimizer.param_groups[0]["eps"] == cfg.algorithm.adam_eps
    before = [p.detach().clone() for p in alg.actor.parameters()]
    subject.rollout()
    subject.update()
    assert set(peer.losses) == {"value", "surrogate", "entropy"}
    assert all(math.isfinite(v) for v in peer.losses.values())
    assert peer.losses["value"] >= 0.0
    assert any(not torch.equal(a, p) for a, p in zip(before, alg.actor.parameters(), strict=True))
    # The runner logger's bookkeeping saw every 4-step episode end (16 envs, twice).
    assert list(peer.logger.lenbuffer) == [4.0] * 32
    assert torch.distributions.Distribution._validate_args == validation


def test_train_subcommand_against_rsl_rl_prints_its_row_and_ratios(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("rsl_rl")
    argv = ["train", "--num-envs", "64", "--iterations", "1", "--warmup", "0"]
    peers = ["--against", "reference", "rsl_rl"]
    assert main([*argv, *peers, "--device", "cpu", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "end-to-end" in line and "steps/s" in line]
    assert [row.split()[0] for row in rows] == ["framework[none]", "reference", "rsl_rl"]
    for row in rows[1:]:
        figures = [float(x.replace(",", "")) for x in re.findall(NUMBER, row)]
        assert figures and all(math.isfinite(x) and x > 0 for x in figures)
    assert re.search(rf"ratio framework\[none\]/reference end-to-end: {NUMBER}\n", out)
    pattern = (
        rf"ratio framework\[none\]/rsl_rl end-to-end: ({NUMBER})  rollout: ({NUMBER})  "
        rf"update \(samples/s\): ({NUMBER})"
    )
    ratios = re.search(pattern, out)
    assert ratios is not None
    assert all(float(x) > 0 for x in ratios.groups())


def test_missing_rsl_rl_is_a_one_line_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rsl_rl.env", None)  # import of it fails, as if absent
    argv = ["train", "--num-envs", "16", "--iterations", "1", "--warmup", "0", "--device", "cpu"]
    assert main([*argv, "--against", "rsl_rl"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert "embodichain-bench train: error: --against rsl_rl:" in lines[0]
    assert "embodichain-rl[bench]" in lines[0]
