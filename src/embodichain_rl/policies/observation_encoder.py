"""Dict observation -> one feature vector: image keys through a CNN, vector keys
concatenated (through a small MLP when images are read too); plus the checks that refuse a
bad pairing of policy options and observation keys before anything is built."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn

from embodichain_rl.policies.encoder_config import EncoderConfig, as_encoder_config
from embodichain_rl.policies.encoders import build_image_encoder, encoder_min_size, image_to_float
from embodichain_rl.policies.mlp import HIDDEN_GAIN, get_activation, orthogonal_init
from embodichain_rl.utils.observations import PRIVILEGED_KEY, is_image_shape

CAMERA_KEYS = "env.camera.width/height"
"""The env keys that set the rendered image size (named in the too-small message)."""


def default_actor_keys(obs_shapes: Mapping[str, Sequence[int]]) -> list[str]:
    """Every key except ``privileged`` (the actor's keys when ``actor_obs`` is null)."""
    return [key for key in obs_shapes if key != PRIVILEGED_KEY]


def resolve_keys(
    actor_obs: Sequence[str] | None,
    critic_obs: Sequence[str] | None,
    obs_shapes: Mapping[str, Sequence[int]],
) -> tuple[list[str], list[str]]:
    """The actor's and the critic's keys (``critic_obs`` null: the actor's)."""
    actor = default_actor_keys(obs_shapes) if actor_obs is None else [str(k) for k in actor_obs]
    critic = list(actor) if critic_obs is None else [str(k) for k in critic_obs]
    return actor, critic


def _keys_problems(role: str, keys: list[str], shapes: Mapping[str, Sequence[int]]) -> list[str]:
    available = list(shapes)
    unknown = [key for key in keys if key not in shapes]
    if unknown:
        return [f"{role} names unknown observation keys {unknown}; available: {available}"]
    if not keys:
        return [f"{role} selects no observation key; available: {available}"]
    if len(set(keys)) != len(keys):
        return [f"{role} lists a key twice: {keys}"]
    return []


def _image_problems(
    keys: list[str], shapes: Mapping[str, Sequence[int]], encoder: EncoderConfig
) -> list[str]:
    images = [key for key in keys if is_image_shape(shapes[key])]
    if not images:
        return []
    first = images[0]
    if encoder.type == "none":
        return [
            f"policy.encoder.type is none but the observation has image key {first!r} "
            f"{list(shapes[first])}: set policy.encoder.type to nature_cnn or impala"
        ]
    sizes = {key: tuple(shapes[key][1:]) for key in images}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{key!r} {h} x {w}" for key, (h, w) in sizes.items())
        return [f"image keys read by one encoder must share H x W (stacked on channels): {listed}"]
    smallest = encoder_min_size(encoder.type, encoder.impala_channels)
    height, width = sizes[first]
    if min(height, width) >= smallest:
        return []
    hint = " or use policy.encoder.type=impala" if encoder.type == "nature_cnn" else ""
    return [
        f"policy.encoder.type={encoder.type} needs images of at least {smallest} x {smallest} "
        f"but observation key {first!r} is {height} x {width}: set {CAMERA_KEYS} to at least "
        f"{smallest}{hint}"
    ]


def encoder_problems(
    role: str, keys: list[str], shapes: Mapping[str, Sequence[int]], encoder: EncoderConfig
) -> list[str]:
    """Why ``keys`` of ``shapes`` cannot be encoded with ``encoder`` (empty when they can);
    ``role`` names the option that chose the keys, e.g. ``policy.actor_obs``."""
    return _keys_problems(role, keys, shapes) or _image_problems(keys, shapes, encoder)


def observation_problem(
    policy_cfg: Any, obs_shapes: Mapping[str, Sequence[int]] | None
) -> str | None:
    """One line saying why an ``ActorCritic`` with ``policy_cfg`` (an ``ActorCriticConfig``,
    a plain or OmegaConf mapping: the composed ``cfg.policy``) cannot read observations of
    ``obs_shapes``; ``None`` when it can or the observation is flat (``obs_shapes=None``)."""
    if obs_shapes is None:
        return None
    get = (
        policy_cfg.get
        if isinstance(policy_cfg, Mapping)
        else (lambda name: getattr(policy_cfg, name, None))
    )
    try:
        encoder = as_encoder_config(get("encoder"))
    except (TypeError, ValueError) as error:
        return str(error)
    actor, critic = resolve_keys(get("actor_obs"), get("critic_obs"), obs_shapes)
    problems = encoder_problems("policy.actor_obs", actor, obs_shapes, encoder)
    if get("critic_obs") is not None:  # null: the actor's keys, already checked
        for problem in encoder_problems("policy.critic_obs", critic, obs_shapes, encoder):
            if problem not in problems:
                problems.append(problem)
    return "; ".join(problems) or None


class ObservationEncoder(nn.Module):
    """Encode ``keys`` of a dict observation into ``[*, out_dim]`` features.

    Image keys (``[C, H, W]``; uint8 scaled to [0, 1], float taken as is) are stacked along
    channels and go through the CNN ``cfg.type``; vector keys are concatenated, in ``keys``
    order, and go through ``cfg.state_hidden_sizes`` (linear + activation layers) when
    images are read too, else are passed as they are. The output is
    ``[image features, vector features]``. ``role`` names the keys' option in errors.
    Vector values arrive already normalised (the
    owning policy's ``DictNormalizer`` runs once before every encoder).
    """

    def __init__(
        self,
        keys: Sequence[str],
        obs_shapes: Mapping[str, Sequence[int]],
        cfg: EncoderConfig,
        role: str = "ObservationEncoder keys",
    ) -> None:
        super().__init__()
        self.keys = [str(key) for key in keys]
        """The observation keys read, in order."""
        problems = encoder_problems(role, self.keys, obs_shapes, cfg)
        if problems:
            raise ValueError("; ".join(problems))
        self.image_keys = [key for key in self.keys if is_image_shape(obs_shapes[key])]
        """Keys going through the CNN."""
        self.vector_keys = [key for key in self.keys if key not in self.image_keys]
        """Keys concatenated into the state vector."""
        self.cnn: nn.Module | None = None
        image_dim = 0
        if self.image_keys:
            _, height, width = (int(s) for s in obs_shapes[self.image_keys[0]])
            channels = sum(int(obs_shapes[key][0]) for key in self.image_keys)
            self.cnn = build_image_encoder(
                cfg.type, channels, height, width, features=cfg.features,
                impala_channels=cfg.impala_channels, activation=cfg.activation,
                nature_channels=cfg.nature_channels,
            )  # fmt: skip
            image_dim = cfg.features
        vector_dim = sum(int(obs_shapes[key][0]) for key in self.vector_keys)
        self.state_mlp: nn.Sequential | None = None
        if self.image_keys and self.vector_keys and cfg.state_hidden_sizes:
            self.state_mlp = _hidden_layers(vector_dim, cfg.state_hidden_sizes, cfg.activation)
            vector_dim = cfg.state_hidden_sizes[-1]
        self.out_dim = image_dim + vector_dim
        """Width of the feature vector."""

    def forward(self, obs: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """Features ``[*, out_dim]`` of ``obs`` (every key ``[*, *single_shape]``)."""
        parts: list[torch.Tensor] = []
        if self.cnn is not None:
            images = torch.cat([image_to_float(obs[key]) for key in self.image_keys], dim=-3)
            lead = images.shape[:-3]
            features = self.cnn(images.reshape(-1, *images.shape[-3:]))
            parts.append(features.reshape(*lead, features.shape[-1]))
        if self.vector_keys:
            state = torch.cat([obs[key].to(torch.float32) for key in self.vector_keys], dim=-1)
            parts.append(state if self.state_mlp is None else self.state_mlp(state))
        return parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)


def _hidden_layers(in_dim: int, sizes: Sequence[int], activation: str) -> nn.Sequential:
    """``Linear -> activation`` per size, orthogonal weights (gain sqrt(2)), zero biases."""
    layers: list[nn.Module] = []
    for size in sizes:
        linear = nn.Linear(in_dim, size)
        orthogonal_init(linear, HIDDEN_GAIN)
        layers += [linear, get_activation(activation)]
        in_dim = size
    return nn.Sequential(*layers)
