"""The VLA policy on its own: action tokens, instruction tokens, exact log-probabilities,
a tiny forward/backward, saving and loading with ``from_pretrained``, LoRA, bad paths."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest
import torch

pytest.importorskip("transformers")

from embodichain_rl.policies.vla import ActionBins, VLAPolicy
from embodichain_rl.policies.vla.tiny_model import tiny_tokenizer

VOCABULARY = ["<pad>", "push", "the", "cube", "to", "red", "blue", "disc"]
SHAPES = {"rgb": [3, 24, 24], "instruction": [7], "state": [3], "privileged": [18]}
TINY = {"hidden_size": 32, "intermediate_size": 64, "vision_hidden_size": 32}
TINY |= {"vision_intermediate_size": 64, "patch_size": 8, "num_heads": 2, "vision_heads": 2}


def make_policy(**options: object) -> VLAPolicy:
    torch.manual_seed(0)
    kwargs = {"tiny": TINY, "action_bins": 16, **options}
    return VLAPolicy(
        action_dim=6,
        obs_shapes=SHAPES,
        action_low=[-1.0] * 6,
        action_high=[1.0] * 6,
        instruction_vocabulary=VOCABULARY,
        **kwargs,
    )


def make_obs(n: int = 8, seed: int = 0) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    colours = torch.randint(5, 7, (n,), generator=g)
    words = torch.tensor([1, 2, 3, 4, 2, 0, 7]).repeat(n, 1)
    words[:, 5] = colours
    return {
        "rgb": torch.randint(0, 256, (n, 3, 24, 24), generator=g, dtype=torch.uint8),
        "instruction": words,
        "state": torch.randn(n, 3, generator=g),
        "privileged": torch.randn(n, 18, generator=g),
    }


def test_bins_round_trip_every_token_and_bound_any_action() -> None:
    bins = ActionBins([-1.0, 0.0], [1.0, 0.5], 8)
    every = torch.arange(8)[:, None].expand(8, 2)
    assert torch.equal(bins.index(bins.centres(every)), every)
    # Hand values: dimension 0 has width 0.25, so bin 0 is centred at -0.875, bin 7 at 0.875.
    assert torch.allclose(bins.centres(torch.tensor([[0, 7]])), torch.tensor([[-0.875, 0.46875]]))
    actions = torch.rand(1000, 2) * torch.tensor([2.0, 0.5]) + torch.tensor([-1.0, 0.0])
    error = (bins.centres(bins.index(actions)) - actions).abs()
    assert bool((error <= torch.tensor([0.125, 0.03125]) + 1e-6).all())
    outside = torch.tensor([[-5.0, 9.0]])
    assert bins.index(outside).tolist() == [[0, 7]]


def test_instruction_words_become_the_tokenizer_ids_of_the_sentence() -> None:
    policy = make_policy()
    obs = make_obs(4)
    tokens, mask = policy.instructions(obs["instruction"])
    tokenizer = policy.backbone.tokenizer
    for row in range(4):
        words = [VOCABULARY[int(i)] for i in obs["instruction"][row] if int(i)]
        expected = tokenizer(" ".join(words), add_special_tokens=False)["input_ids"]
        assert tokens[row][mask[row]].tolist() == expected


def test_log_probs_are_exact_and_entropy_is_the_categoricals() -> None:
    policy = make_policy()
    obs = make_obs(16)
    with torch.no_grad():
        actions, log_prob, value = policy.get_action(obs)
        again, entropy, value_again = policy.evaluate_actions(obs, actions)
        half, _, _ = policy.evaluate_actions({k: v[:5] for k, v in obs.items()}, actions[:5])
        logits, _ = policy._logits_and_value(obs)
    assert torch.allclose(again, log_prob, atol=1e-5)
    assert torch.allclose(half, log_prob[:5], atol=1e-5)
    assert torch.allclose(value, value_again)
    # Independent formula: a categorical per action component, summed.
    dist = torch.distributions.Categorical(logits=logits)
    index = policy.bins.index(actions)
    assert torch.allclose(dist.log_prob(index).sum(-1), log_prob, atol=1e-5)
    assert torch.allclose(dist.entropy().sum(-1), entropy, atol=1e-5)
    # Emitted actions are bin centres: 16 bins over [-1, 1] -> odd multiples of 1/16.
    assert torch.allclose((actions * 16 + 1) / 2, ((actions * 16 + 1) / 2).round(), atol=1e-5)


def test_deterministic_action_is_the_argmax_token() -> None:
    policy = make_policy()
    obs = make_obs(6)
    with torch.no_grad():
        action, _, _ = policy.get_action(obs, deterministic=True)
        logits, _ = policy._logits_and_value(obs)
    assert torch.equal(policy.bins.index(action), logits.argmax(-1))


def test_tiny_forward_backward_reaches_every_part() -> None:
    policy = make_policy()
    obs = make_obs(8)
    actions, _, _ = policy.get_action(obs)
    log_prob, entropy, value = policy.evaluate_actions(obs, actions)
    (-(log_prob.mean()) + value.square().mean() - 0.01 * entropy.mean()).backward()
    parts = {
        "vision": policy.backbone.model.model.vision_tower,
        "projector": policy.backbone.model.model.multi_modal_projector,
        "decoder": policy.backbone.model.model.language_model,
        "state": policy.prompt.state_proj,
        "value": policy.prompt.value_head,
    }
    for name, module in parts.items():
        # LLaVA reads the vision tower's last hidden state, before its final layer norm.
        grads = [
            p.grad
            for key, p in module.named_parameters()
            if p.requires_grad and "post_layernorm" not in key
        ]
        assert grads and all(g is not None for g in grads), name
        assert sum(float(g.abs().sum()) for g in grads) > 0, name


def test_the_instruction_changes_the_action_distribution() -> None:
    policy = make_policy()
    obs = make_obs(4)
    other = {**obs, "instruction": obs["instruction"].clone()}
    other["instruction"][:, 5] = 11 - obs["instruction"][:, 5]  # red <-> blue
    with torch.no_grad():
        a, _ = policy._logits_and_value(obs)
        b, _ = policy._logits_and_value(other)
    assert (a - b).abs().max() > 1e-4


def test_save_pretrained_then_from_pretrained_gives_the_same_policy(tmp_path: Path) -> None:
    from transformers import AutoTokenizer, LlavaForConditionalGeneration

    policy = make_policy()
    folder = policy.save_pretrained(tmp_path / "vla")
    # The directory is a plain transformers model: from_pretrained reads it, offline.
    model = LlavaForConditionalGeneration.from_pretrained(folder, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    assert tokenizer.convert_ids_to_tokens(tokenizer(" red")["input_ids"]) == ["red"]
    for key, value in policy.backbone.model.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key
    torch.manual_seed(123)  # a different random init, overwritten by the loaded weights
    loaded = VLAPolicy(
        action_dim=6,
        obs_shapes=SHAPES,
        action_low=[-1.0] * 6,
        action_high=[1.0] * 6,
        instruction_vocabulary=VOCABULARY,
        action_bins=16,
        model_path=str(folder),
    )
    obs = make_obs(5)
    actions, _, _ = policy.get_action(obs)
    with torch.no_grad():
        expected = policy.evaluate_actions(obs, actions)
        got = loaded.evaluate_actions(obs, actions)
    for a, b in zip(expected, got, strict=True):
        assert torch.allclose(a, b, atol=1e-6)


def test_bins_must_match_a_saved_model(tmp_path: Path) -> None:
    folder = make_policy().save_pretrained(tmp_path / "vla")
    with pytest.raises(ValueError, match="saved with action_bins=16"):
        make_policy(model_path=str(folder), action_bins=32)


def test_a_missing_model_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_model"
    with pytest.raises(ValueError, match=f"policy.model_path={missing}: no saved"):
        make_policy(model_path=str(missing))


def test_lora_trains_only_adapters_and_merges_into_the_saved_model(tmp_path: Path) -> None:
    pytest.importorskip("peft")
    policy = make_policy(lora={"enabled": True, "rank": 4})
    decoder = policy.backbone.model.model.language_model
    trainable = [n for n, p in decoder.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in n for n in trainable)
    with torch.no_grad():  # move the adapters off their zero start
        for name, p in decoder.named_parameters():
            if "lora_B" in name:
                p.normal_(0.0, 0.5)
    obs = make_obs(4)
    actions, _, _ = policy.get_action(obs)
    folder = policy.save_pretrained(tmp_path / "merged")
    loaded = make_policy(model_path=str(folder))
    with torch.no_grad():
        expected, _, _ = policy.evaluate_actions(obs, actions)
        got, _, _ = loaded.evaluate_actions(obs, actions)
    assert torch.allclose(expected, got, atol=1e-4)


def test_a_real_tokenizer_splits_words_into_several_tokens() -> None:
    tokenizer = tiny_tokenizer(["push", "cube"], action_bins=4)
    assert tokenizer(" push cube", add_special_tokens=False)["input_ids"] == [6, 7]
    assert tokenizer.convert_ids_to_tokens([len(tokenizer) - 1]) == ["<bin_3>"]


def test_gradient_checkpointing_gives_the_same_gradients() -> None:
    obs = make_obs(4)
    grads = []
    for checkpointing in (False, True):
        policy = make_policy(gradient_checkpointing=checkpointing).train()
        actions = policy.bins.centres(torch.arange(6).repeat(4, 1) % 16)
        log_prob, _, value = policy.evaluate_actions(obs, actions)
        (log_prob.sum() + value.sum()).backward()
        grads.append(
            torch.cat([p.grad.flatten() for p in policy.parameters() if p.grad is not None])
        )
    assert torch.allclose(grads[0], grads[1], atol=1e-5)


@pytest.mark.parametrize("fmt", ["torchscript", "onnx"])
def test_the_exported_actor_reads_image_instruction_and_state(tmp_path: Path, fmt: str) -> None:
    import gymnasium as gym
    import numpy as np

    from embodichain_rl.export.actor import export_policy

    if fmt == "onnx":
        ort = pytest.importorskip("onnxruntime")
    policy = make_policy().eval()
    space = gym.spaces.Dict(
        OrderedDict(  # the env's key order (a plain dict would be sorted)
            rgb=gym.spaces.Box(0, 255, (3, 24, 24), np.uint8),
            instruction=gym.spaces.Box(0, 7, (7,), np.int64),
            state=gym.spaces.Box(-np.inf, np.inf, (3,), np.float32),
            privileged=gym.spaces.Box(-np.inf, np.inf, (18,), np.float32),
        )
    )
    path = export_policy(policy, space, tmp_path / f"actor.{fmt}", fmt)
    obs = make_obs(3, seed=5)
    inputs = [obs["rgb"], obs["instruction"], obs["state"]]  # privileged is not read
    with torch.no_grad():
        expected = policy.act_deterministic(obs)
    if fmt == "torchscript":
        got = torch.jit.load(str(path))(*inputs)
    else:
        session = ort.InferenceSession(str(path))
        names = [i.name for i in session.get_inputs()]
        assert names == ["rgb", "instruction", "state"]
        feed = {name: x.numpy() for name, x in zip(names, inputs, strict=True)}
        got = torch.from_numpy(session.run(None, feed)[0])
    assert torch.allclose(got, expected, atol=1e-5)
