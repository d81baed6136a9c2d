"""Image encoders, the dict-observation encoder, the per-key normaliser and the checks that
refuse a bad pairing of policy options and observation keys."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.policies.actor_critic_config import ActorCriticConfig
from embodichain_rl.policies.dict_normalizer import DictNormalizer
from embodichain_rl.policies.encoder_config import EncoderConfig
from embodichain_rl.policies.encoders import ImpalaCNN, NatureCNN, image_to_float
from embodichain_rl.policies.observation_encoder import ObservationEncoder, observation_problem

SHAPES = {"rgb": [3, 64, 64], "depth": [1, 64, 64], "state": [5], "privileged": [12]}


def _linear_in(module: torch.nn.Module) -> int:
    return next(m for m in module.modules() if isinstance(m, torch.nn.Linear)).in_features


def test_nature_cnn_sizes_follow_the_conv_arithmetic() -> None:
    # 64: (64-8)//4+1 = 15, (15-4)//2+1 = 6, 6-3+1 = 4 -> 64 channels * 4 * 4 = 1024.
    # 36 is the smallest: 36 -> 8 -> 3 -> 1.
    assert NatureCNN.min_size() == 36
    for size, flat in ((64, 1024), (36, 64)):
        cnn = NatureCNN(4, size, size, features=32)
        assert _linear_in(cnn) == flat
        assert cnn(torch.rand(2, 4, size, size)).shape == (2, 32)
    with pytest.raises(
        ValueError, match=r"nature_cnn needs images of at least 36 x 36, got 35 x 64"
    ):
        NatureCNN(3, 35, 64, features=32)


def test_a_35_pixel_image_really_is_too_small_for_the_nature_convolutions() -> None:
    convs = NatureCNN(3, 36, 36, features=8).net[:6]  # the three conv + activation pairs
    assert convs(torch.rand(1, 3, 36, 36)).shape == (1, 64, 1, 1)
    with pytest.raises(RuntimeError):
        convs(torch.rand(1, 3, 35, 35))


def test_impala_halves_each_stage_rounding_up_and_accepts_one_pixel() -> None:
    # 64 -> 32 -> 16 -> 8 with 32 channels = 2048; 1 x 1 stays 1 x 1 (same padding).
    assert ImpalaCNN.min_size() == 1
    cnn = ImpalaCNN(3, 64, 64, features=16, channels=(16, 32, 32))
    assert _linear_in(cnn) == 32 * 8 * 8
    assert cnn(torch.rand(2, 3, 64, 64)).shape == (2, 16)
    tiny = ImpalaCNN(3, 1, 1, features=16, channels=(8, 8, 8))
    assert _linear_in(tiny) == 8 and tiny(torch.rand(2, 3, 1, 1)).shape == (2, 16)
    odd = ImpalaCNN(1, 37, 20, features=4, channels=(4, 4))  # 37 -> 19 -> 10, 20 -> 10 -> 5
    assert _linear_in(odd) == 4 * 10 * 5 and odd(torch.rand(1, 1, 37, 20)).shape == (1, 4)


def test_uint8_images_are_scaled_to_unit_range_and_float_images_kept() -> None:
    pixels = torch.arange(256, dtype=torch.uint8)
    torch.testing.assert_close(image_to_float(pixels), torch.arange(256.0) / 255.0)
    assert image_to_float(pixels).max() == 1.0
    depth = torch.tensor([0.0, 0.5, 3.25])
    torch.testing.assert_close(image_to_float(depth), depth)


def test_observation_encoder_stacks_images_and_scales_uint8_on_the_fly() -> None:
    torch.manual_seed(0)
    cfg = EncoderConfig(type="nature_cnn", features=16, state_hidden_sizes=[8])
    encoder = ObservationEncoder(["rgb", "depth", "state"], SHAPES, cfg)
    assert encoder.out_dim == 16 + 8 and encoder.image_keys == ["rgb", "depth"]
    rgb = torch.randint(0, 256, (4, 3, 64, 64), dtype=torch.uint8)
    depth, state = torch.rand(4, 1, 64, 64) * 3.0, torch.randn(4, 5)
    out = encoder({"rgb": rgb, "depth": depth, "state": state})
    assert out.shape == (4, 24)
    assert encoder.cnn is not None
    expected_image = encoder.cnn(torch.cat([rgb.float() / 255.0, depth], dim=1))
    torch.testing.assert_close(out[:, :16], expected_image)
    assert encoder.state_mlp is not None
    torch.testing.assert_close(out[:, 16:], encoder.state_mlp(state))
    # Leading dimensions beyond the batch (e.g. [T, N]) are kept.
    stacked = {key: value.reshape(2, 2, *value.shape[1:]) for key, value in
               {"rgb": rgb, "depth": depth, "state": state}.items()}  # fmt: skip
    torch.testing.assert_close(encoder(stacked).reshape(4, 24), out)


def test_vector_only_encoder_passes_the_concatenation_through() -> None:
    encoder = ObservationEncoder(["privileged", "state"], SHAPES, EncoderConfig())
    assert encoder.out_dim == 17 and encoder.cnn is None and encoder.state_mlp is None
    obs = {"state": torch.randn(3, 5), "privileged": torch.randn(3, 12)}
    torch.testing.assert_close(encoder(obs), torch.cat([obs["privileged"], obs["state"]], -1))


def test_dict_normalizer_matches_hand_computed_statistics_and_leaves_images() -> None:
    norm = DictNormalizer({"state": 2}, clip=100.0, eps=1e-8)
    batch = torch.tensor([[1.0, 10.0], [3.0, 10.0], [5.0, 16.0]])
    image = torch.randint(0, 256, (3, 3, 4, 4), dtype=torch.uint8)
    norm.update({"state": batch, "rgb": image})
    # mean (3, 12); population variance (8/3, 8)
    mean, std = torch.tensor([3.0, 12.0]), torch.tensor([(8 / 3) ** 0.5, 8**0.5])
    out = norm({"state": batch, "rgb": image})
    torch.testing.assert_close(out["state"], (batch - mean) / std)
    assert out["rgb"] is image
    assert set(norm.state_dict()) == {
        "normalizers.state.mean", "normalizers.state.var", "normalizers.state.count",
    }  # fmt: skip


def test_dict_normalizer_moments_then_merge_equals_update() -> None:
    torch.manual_seed(0)
    first, second = torch.randn(7, 3) * 4 + 1, torch.randn(5, 3) - 2
    a, b = DictNormalizer({"s": 3}), DictNormalizer({"s": 3})
    a.update({"s": first})
    a.update({"s": second})
    b.merge_moments(b.moments({"s": first}))
    b.merge_moments(b.moments({"s": second}))
    both = torch.cat([first, second])
    for n in (a, b):
        torch.testing.assert_close(n.normalizers["s"].mean, both.mean(0))
        torch.testing.assert_close(n.normalizers["s"].var, both.var(0, unbiased=False))
    with pytest.raises(ValueError, match=r"no moments for keys \['s'\]"):
        b.merge_moments({})


def _problem(obs_shapes: dict[str, list[int]] | None, **options: object) -> str | None:
    return observation_problem(ActorCriticConfig(**options), obs_shapes)  # type: ignore[arg-type]


def test_observation_problem_names_the_key_and_the_fix() -> None:
    assert _problem(None) is None
    assert _problem({"state": [5], "privileged": [12]}) is None
    assert _problem(
        {"rgb": [3, 64, 64], "state": [5], "privileged": [12]}, critic_obs=["privileged"]
    ) == (
        "policy.encoder.type is none but the observation has image key 'rgb' [3, 64, 64]: "
        "set policy.encoder.type to nature_cnn or impala"
    )
    small = _problem({"rgb": [3, 32, 48]}, encoder={"type": "nature_cnn"})
    assert small is not None and "nature_cnn needs images of at least 36 x 36" in small
    assert "'rgb' is 32 x 48" in small and "env.camera.width/height" in small
    assert _problem({"rgb": [3, 32, 48]}, encoder={"type": "impala"}) is None
    unknown = _problem(SHAPES, critic_obs=["priv"], encoder={"type": "impala"})
    assert unknown == (
        "policy.critic_obs names unknown observation keys ['priv']; "
        "available: ['rgb', 'depth', 'state', 'privileged']"
    )
    mixed = _problem({"rgb": [3, 64, 64], "depth": [1, 32, 32]}, encoder={"type": "impala"})
    assert mixed is not None and "'rgb' 64 x 64, 'depth' 32 x 32" in mixed
    only_privileged = _problem({"privileged": [12]})
    assert (
        only_privileged is not None
        and "policy.actor_obs selects no observation key" in only_privileged
    )
    # A composed (mapping) config is read the same way, bad encoder values included.
    bad = observation_problem({"encoder": {"type": "resnet"}}, {"state": [5]})
    assert bad is not None and "type must be one of ['none', 'nature_cnn', 'impala']" in bad


def test_encoder_config_refuses_bad_values_in_one_line() -> None:
    with pytest.raises(ValueError, match=r"features must be >= 1, got 0"):
        EncoderConfig(features=0)
    with pytest.raises(ValueError, match=r"impala_channels must list positive"):
        EncoderConfig(impala_channels=[])
    with pytest.raises(ValueError, match=r"unknown activation 'relux'"):
        EncoderConfig(activation="relux")
    with pytest.raises(ValueError, match=r"policy.encoder: unknown keys \['feature'\]"):
        ActorCriticConfig(encoder={"feature": 3})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"policy.critic_obs must be a list of keys"):
        ActorCriticConfig(critic_obs="privileged")  # type: ignore[arg-type]
