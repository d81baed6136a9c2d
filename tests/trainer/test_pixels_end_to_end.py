"""Dict (camera) observations through everything the trainer offers: exact resume, the
saved observation, ``load_policy`` with dict inputs, ONNX / TorchScript export with image
inputs, evaluation videos of the camera view, and the Gymnasium bridge."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl import load_policy
from embodichain_rl.export import export_policy
from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.restore import restore_policy
from embodichain_rl.trainer.run import run
from embodichain_rl.utils.observations import observation_layout
from tests.trainer.resume_helpers import TINY

SIDE = 40
"""Camera side (pixels): nature_cnn's smallest is 36."""

PIXELS = [
    *TINY,
    "env.obs_mode=rgb_state",
    "env.control_mode=ee_delta_pos",
    f"env.camera.width={SIDE}",
    f"env.camera.height={SIDE}",
    "policy.encoder.type=nature_cnn",
    "policy.encoder.nature_channels=[8,16,16]",
    "policy.encoder.features=32",
    "policy.encoder.state_hidden_sizes=[16]",
    "policy.critic_obs=[privileged]",
    "eval.freq=2",
    "algorithm.normalize_value=true",
    "algorithm.total_updates=4",  # one learning-rate horizon for the 4-iteration and 2+2 runs
]
"""A tiny pixel run: 8 envs x 8 steps, a small CNN, the asymmetric critic, normalised state
keys (their per-key statistics must resume too)."""


@pytest.fixture(scope="module")
def pixel_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from hydra import compose, initialize_config_module

    from embodichain_rl.config import register_configs

    register_configs()
    root = tmp_path_factory.mktemp("pixels")
    dirs = {name: root / name for name in ("one_go", "first", "resumed")}
    video = ["eval.video_freq=4", "eval.video_episodes=1"]
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        run(compose("train", [*PIXELS, *video, "runtime.iterations=4"]), dirs["one_go"])
        run(compose("train", [*PIXELS, "runtime.iterations=2"]), dirs["first"])
        again = [*PIXELS, "runtime.iterations=4", f"runtime.resume={root}/first"]
        run(compose("train", again), dirs["resumed"])
    return dirs


def test_pixel_run_resumes_bit_identically(pixel_runs: dict[str, Path]) -> None:
    one_go = load_checkpoint(pixel_runs["one_go"] / "checkpoints" / "last.pt")
    resumed = load_checkpoint(pixel_runs["resumed"] / "checkpoints" / "last.pt")
    assert one_go["policy"].keys() == resumed["policy"].keys()
    assert "obs_normalizer.normalizers.state.count" in one_go["policy"]
    assert any(key.startswith("actor_encoder.cnn") for key in one_go["policy"])
    for key, value in one_go["policy"].items():
        assert torch.equal(value, resumed["policy"][key]), key
    saved_obs = one_go["obs"]
    assert isinstance(saved_obs, dict) and saved_obs["rgb"].dtype == torch.uint8
    for key, value in saved_obs.items():
        assert torch.equal(value, resumed["obs"][key]), key


def test_eval_video_shows_the_camera_view(pixel_runs: dict[str, Path]) -> None:
    from PIL import Image

    gifs = sorted((pixel_runs["one_go"] / "videos").glob("*.gif"))
    assert gifs, "a video was asked for at iteration 4"
    with Image.open(gifs[-1]) as gif:
        assert gif.size == (SIDE, SIDE)


def _sample_obs(run_dir: Path, rows: int) -> tuple[torch.nn.Module, dict[str, torch.Tensor]]:
    restored = restore_policy(run_dir, device=torch.device("cpu"), num_envs=rows)
    obs, _ = restored.env.reset(seed=3)
    obs, *_ = restored.env.step(torch.rand(rows, 3) * 2 - 1)
    return restored, obs


def test_load_policy_takes_dict_observations(pixel_runs: dict[str, Path]) -> None:
    restored, obs = _sample_obs(pixel_runs["one_go"], 4)
    with torch.no_grad():
        expected = restored.policy.act_deterministic(obs)
    acting = load_policy(pixel_runs["one_go"])
    torch.testing.assert_close(acting(obs), expected)
    single = acting({key: value[1].numpy() for key, value in obs.items()})
    np.testing.assert_allclose(single, expected[1].numpy(), atol=1e-6, rtol=0)


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_torchscript_and_onnx_exports_take_image_inputs(
    pixel_runs: dict[str, Path], tmp_path: Path
) -> None:
    restored, obs = _sample_obs(pixel_runs["one_go"], 5)
    layout = observation_layout(restored.env)
    with torch.no_grad():
        expected = restored.policy.act_deterministic(obs)
    reads = ["rgb", "state"]  # the actor's keys: the critic alone reads "privileged"
    assert restored.policy.acting_observation_keys() == reads
    inputs = [obs[key] for key in reads]
    scripted = torch.jit.load(
        str(export_policy(restored.policy, layout, tmp_path / "a.pt", "torchscript"))
    )
    torch.testing.assert_close(scripted(*inputs), expected, atol=1e-5, rtol=0)
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    path = export_policy(restored.policy, layout, tmp_path / "a.onnx", "onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == reads
    assert session.get_inputs()[0].type == "tensor(uint8)"
    (got,) = session.run(["action"], {key: obs[key].numpy() for key in reads})
    np.testing.assert_allclose(got, expected.numpy(), atol=1e-5, rtol=0)


def test_gymnasium_vector_env_gives_dict_observations() -> None:
    camera = {"width": SIDE, "height": SIDE}
    env = gym.make_vec("PushCubeRL", num_envs=3, obs_mode="rgb", camera=camera)
    try:
        assert isinstance(env.single_observation_space, gym.spaces.Dict)
        obs, _ = env.reset(seed=0)
        assert obs["rgb"].shape == (3, 3, SIDE, SIDE) and obs["rgb"].dtype == np.uint8
        assert obs["rgb"] in env.observation_space["rgb"]
        obs, *_ = env.step(np.zeros((3, 6), dtype=np.float32))
        assert set(obs) == {"rgb", "privileged"}
    finally:
        env.close()
    single = gym.make("PushCubeRL", obs_mode="rgb", camera=camera)
    try:
        first, _ = single.reset(seed=0)
        assert first["rgb"].shape == (3, SIDE, SIDE)
        assert single.observation_space.contains(first)
    finally:
        single.close()
