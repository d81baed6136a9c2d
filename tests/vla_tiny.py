"""The tiny VLA the trainer-level VLA tests build: a 24 x 24 camera cut into 16 patches,
width 32, 16 action bins (a few seconds per iteration on one CPU thread)."""

TINY_VLA_OVERRIDES = [
    "env.camera.width=24",
    "env.camera.height=24",
    "policy.tiny.patch_size=6",
    "policy.tiny.hidden_size=32",
    "policy.tiny.intermediate_size=64",
    "policy.tiny.num_heads=2",
    "policy.tiny.vision_hidden_size=32",
    "policy.tiny.vision_intermediate_size=64",
    "policy.tiny.vision_heads=2",
    "policy.action_bins=16",
]
"""Camera and model-size overrides shared by the VLA run tests."""
