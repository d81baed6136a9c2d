"""rsl_rl's PPO on our PushCube, as a peer for ``embodichain-bench train --against rsl_rl``.

Two pieces: :class:`EmbodiedVecEnv`, which presents an :class:`EmbodiedEnv` through rsl_rl's
``VecEnv`` interface, and :func:`rsl_rl_subject`, which builds rsl_rl's ``PPO`` with the
same amount of work per iteration as the framework's config and drives it the way rsl_rl's
``OnPolicyRunner.learn`` does. rsl_rl (the ``rsl-rl-lib`` package, pinned by the ``bench``
extra) is imported only when one of them is used; without it they raise
:class:`MissingExtraError` with a one-line message.
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
from collections.abc import Iterator
from typing import Any

import torch
from omegaconf import DictConfig

from embodichain_rl.algorithms.ppo_config import minibatch_size
from embodichain_rl.cli.bench_train import Subject
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.trainer.build import build_env
from embodichain_rl.trainer.run import seed_everything

EXTRA_HINT = "pip install 'embodichain-rl[bench]' (rsl-rl-lib==5.5.1)"
"""How to get rsl_rl, for the error message."""

OBS_GROUP = "policy"
"""The one observation group the adapter returns, fed to both actor and critic."""

ACTIVATION_NAMES = {"silu": "swish", "leaky_relu": "lrelu"}
"""Our activation names that rsl_rl spells differently (the others are the same word)."""


class MissingExtraError(ImportError):
    """rsl_rl (or one of its dependencies) is not installed."""


def require_rsl_rl() -> None:
    """Import rsl_rl and tensordict, or raise :class:`MissingExtraError` in one line."""
    try:
        import tensordict  # noqa: F401
        from rsl_rl.env import VecEnv
    except ImportError as error:
        name = error.name or "rsl_rl"
        raise MissingExtraError(f"rsl_rl is unavailable ({name} missing): {EXTRA_HINT}") from None
    if not issubclass(EmbodiedVecEnv, VecEnv):
        VecEnv.register(EmbodiedVecEnv)  # a virtual subclass: this module imports without it


class EmbodiedVecEnv:
    """An :class:`EmbodiedEnv` seen through rsl_rl's ``VecEnv`` interface (registered as a
    virtual subclass of ``rsl_rl.env.VecEnv`` on first use).

    - Observations: a ``TensorDict`` with the single group ``"policy"`` (the env's flat
      observation); the rsl_rl config routes it to both actor and critic.
    - ``step(actions) -> (obs, rewards, dones, extras)``: ``dones`` is
      ``terminated | truncated`` as int64 (0/1, as Isaac Lab's wrapper returns them);
      ``extras["time_outs"]`` is ``truncated & ~terminated``, the steps rsl_rl bootstraps
      as time-limited, and ``extras["final_obs"]`` passes the env's pre-reset observation on
      (rsl_rl itself does not read it). The env auto-resets, so ``obs`` after a done is the
      next episode's first observation, as rsl_rl expects.
    - ``episode_length_buf``: steps into the current episode per env (int64), incremented
      every step and zeroed where the episode ended. It is bookkeeping only: the env's own
      time limit decides ``truncated``, so overwriting the buffer (rsl_rl's
      ``init_at_random_ep_len``) changes nothing in the env.
    - ``max_episode_length``: the env's ``max_episode_steps`` (``sys.maxsize`` without a
      limit); ``num_actions`` its ``action_dim``; ``cfg`` its ``cfg`` attribute (else ``{}``).

    Nothing here reads a device value on the host. ``reset`` (construction) seeds the env.
    """

    def __init__(self, env: EmbodiedEnv, *, seed: int | None = None) -> None:
        require_rsl_rl()
        self.env = env
        self.num_envs = env.num_envs
        self.num_actions = env.action_dim
        self.max_episode_length = env.max_episode_steps or sys.maxsize
        self.device = env.device
        self.cfg = getattr(env, "cfg", {})
        self.episode_length_buf = torch.zeros(env.num_envs, dtype=torch.int64, device=env.device)
        self._obs = self._wrap(env.reset(seed=seed)[0])

    def _wrap(self, obs: torch.Tensor) -> Any:
        from tensordict import TensorDict

        return TensorDict({OBS_GROUP: obs}, batch_size=[self.num_envs], device=self.device)

    def get_observations(self) -> Any:
        """The current observations (``TensorDict`` with group ``"policy"``)."""
        return self._obs

    def step(self, actions: torch.Tensor) -> tuple[Any, torch.Tensor, torch.Tensor, dict]:
        """One step of every env; see the class docstring for the mapping."""
        obs, reward, terminated, truncated, info = self.env.step(actions)
        done = terminated | truncated
        length = self.episode_length_buf + 1
        self.episode_length_buf = torch.where(done, torch.zeros_like(length), length)
        self._obs = self._wrap(obs)
        extras = {"time_outs": truncated & ~terminated, "final_obs": info["final_obs"]}
        return self._obs, reward, done.long(), extras

    def close(self) -> None:
        self.env.close()


def rsl_rl_train_config(cfg: DictConfig) -> dict[str, Any]:
    """rsl_rl's runner config (the dict ``PPO.construct_algorithm`` and its ``Logger`` read)
    with the same sizes and hyperparameters as our ``train`` config ``cfg``.

    Mapped from ours (``cfg.runtime`` / ``cfg.env`` / ``cfg.algorithm`` / ``cfg.policy``):

    - ``num_steps_per_env`` = ``runtime.rollout_steps``; ``num_learning_epochs`` =
      ``n_epochs``; ``num_mini_batches`` = T*N // our minibatch size (rsl_rl then uses
      minibatches of T*N // num_mini_batches samples: ours exactly when the size divides
      T*N, as with the default ``num_minibatches``; a few samples larger otherwise).
    - ``learning_rate``, ``gamma``, ``lam`` = ``gae_lambda``, ``clip_param`` =
      ``clip_coef``, ``entropy_coef`` = ``ent_coef``, ``max_grad_norm`` (null: ``inf``,
      i.e. the norm is computed but never clips), ``use_clipped_value_loss`` =
      ``clip_value_loss``.
    - ``value_loss_coef`` = ``vf_coef / 2``: our value loss is ``0.5 * MSE``, rsl_rl's is
      ``MSE``, so this is the same loss.
    - ``schedule="fixed"`` (rsl_rl's default is the KL-adaptive one; ours, in the composed
      config, decays the rate linearly: rsl_rl has no linear schedule, and the rate is one
      scalar write per update either way), ``desired_kl=None``.
    - ``normalize_advantage_per_mini_batch=False``: advantages standardised once over the
      rollout, like ours (rsl_rl always standardises; ours can be switched off).
    - Actor and critic: ``MLPModel`` with our ``hidden_sizes`` and ``activation``,
      ``obs_normalization`` = ``policy.normalize_obs`` (rsl_rl keeps one normaliser per
      model, we share one); the actor's output is a ``GaussianDistribution`` with a
      learnable state-independent std, ``std_type="log"`` (we learn a log-std too) and
      ``init_std = exp(policy.init_log_std)``.

    rsl_rl's defaults kept (no equivalent in our config): Adam with torch's default
    ``eps`` (``rsl_rl_subject`` then sets our ``adam_eps``), PyTorch's default ``Linear``
    init (ours is orthogonal), no mixed precision, no RND, no symmetry, no
    ``torch_compile_mode`` (eager), ``check_for_nan=True``, ``multi_gpu=None`` (one
    process). Our ``target_kl``, ``normalize_reward`` and ``normalize_value`` have no rsl_rl
    counterpart and are not mapped (all off in the default config).
    """
    alg, policy = cfg.algorithm, cfg.policy
    steps, num_envs = int(cfg.runtime.rollout_steps), int(cfg.env.num_envs)
    batch = minibatch_size(alg.num_minibatches, alg.batch_size, steps, num_envs)

    def model(net: DictConfig) -> dict[str, Any]:
        activation = str(net.activation).lower()
        return {
            "class_name": "MLPModel",
            "hidden_dims": [int(size) for size in net.hidden_sizes],
            "activation": ACTIVATION_NAMES.get(activation, activation),
            "obs_normalization": bool(policy.normalize_obs),
        }

    actor = model(policy.actor)
    actor["distribution_cfg"] = {
        "class_name": "GaussianDistribution",
        "init_std": math.exp(float(policy.init_log_std)),
        "std_type": "log",
    }
    max_grad_norm = alg.max_grad_norm
    return {
        "num_steps_per_env": steps,
        "obs_groups": {"actor": [OBS_GROUP], "critic": [OBS_GROUP]},
        "actor": actor,
        "critic": model(policy.critic),
        "algorithm": {
            "class_name": "PPO",
            "num_learning_epochs": int(alg.n_epochs),
            "num_mini_batches": steps * num_envs // batch,
            "clip_param": float(alg.clip_coef),
            "gamma": float(alg.gamma),
            "lam": float(alg.gae_lambda),
            "value_loss_coef": 0.5 * float(alg.vf_coef),
            "entropy_coef": float(alg.ent_coef),
            "learning_rate": float(alg.learning_rate),
            "max_grad_norm": math.inf if max_grad_norm is None else float(max_grad_norm),
            "use_clipped_value_loss": bool(alg.clip_value_loss),
            "schedule": "fixed",
            "desired_kl": None,
            "normalize_advantage_per_mini_batch": False,
            "rnd_cfg": None,
            "symmetry_cfg": None,
        },
        "torch_compile_mode": None,
        "check_for_nan": True,
        "multi_gpu": None,
    }


@contextlib.contextmanager
def _distribution_validation(enabled: bool) -> Iterator[None]:
    """Set ``torch.distributions``' process-wide argument validation for the block.

    rsl_rl's ``GaussianDistribution`` switches it off for the whole process when built; the
    bench restores the previous setting around every rsl_rl call, so the other subjects in
    the same process (the reference loop samples through ``Normal``) keep their own."""
    distribution = torch.distributions.Distribution
    previous = distribution._validate_args
    distribution.set_default_validate_args(enabled)
    try:
        yield
    finally:
        distribution.set_default_validate_args(previous)


class _NoFileWriter:
    """Stands in for rsl_rl's log writer so that its ``Logger`` keeps the per-step episode
    bookkeeping (which it skips without a writer) while nothing is written anywhere."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


class RslRlPeer:
    """rsl_rl's PPO on ``cfg``'s env with the same work per iteration as the framework
    (config mapping: :func:`rsl_rl_train_config`); :func:`rsl_rl_subject` times it.

    Built as rsl_rl's runner builds it: our env (``build_env(cfg.env)``, seeded with
    ``runtime.seed``) behind :class:`EmbodiedVecEnv`, then
    ``PPO.construct_algorithm(obs, env, train_cfg, device)`` (its model printout
    swallowed) and ``train_mode()``; Adam's ``eps`` is then set to our ``adam_eps``.

    ``rollout`` does one iteration of ``OnPolicyRunner.learn``'s collection under
    ``torch.inference_mode``: per step ``alg.act``, ``env.step``, rsl_rl's ``check_nan``
    (the runner's default ``check_for_nan``: three host reads per step),
    ``alg.process_env_step``, and the runner ``Logger``'s ``process_env_step`` (episode
    return and length sums, finished episodes appended to its host-side deques: host
    reads every step); then ``alg.compute_returns``. The logger runs with a writer that
    discards everything (``_NoFileWriter``): the runner skips that bookkeeping when it has
    no log directory, but a real run has one, and the framework's subject keeps its episode
    tracker on. Omitted: the runner's per-iteration ``Logger.log`` (console print, scalar
    writes, checkpoint saves). ``update`` is ``alg.update()`` (its per-minibatch ``.item()``
    loss reads included); its mean losses are kept in ``losses``.
    """

    def __init__(self, cfg: DictConfig, device: torch.device) -> None:
        require_rsl_rl()
        from rsl_rl.algorithms import PPO
        from rsl_rl.utils.logger import Logger

        self.device = device
        seed_everything(cfg.runtime.seed)
        self.env = EmbodiedVecEnv(build_env(cfg.env, device=device), seed=cfg.runtime.seed)
        self.train_cfg = rsl_rl_train_config(cfg)
        obs = self.env.get_observations()
        with _distribution_validation(False), contextlib.redirect_stdout(io.StringIO()):
            self.alg = PPO.construct_algorithm(obs, self.env, self.train_cfg, str(device))
        self.alg.train_mode()
        for group in self.alg.optimizer.param_groups:
            group["eps"] = float(cfg.algorithm.adam_eps)
        self.logger = Logger(
            log_dir=None,
            cfg=self.train_cfg,
            env_cfg=self.env.cfg,
            num_envs=self.env.num_envs,
            is_distributed=False,
            gpu_world_size=1,
            gpu_global_rank=0,
            device=str(device),
        )
        self.logger.writer = _NoFileWriter()
        self.obs = obs.to(device)
        self.losses: dict[str, float] = {}

    def rollout(self) -> None:
        """``num_steps_per_env`` steps and the returns, as the runner collects them."""
        from rsl_rl.utils import check_nan

        alg, env, device = self.alg, self.env, self.device
        with _distribution_validation(False), torch.inference_mode():
            obs = self.obs
            for _ in range(self.train_cfg["num_steps_per_env"]):
                actions = alg.act(obs)
                obs, rewards, dones, extras = env.step(actions.to(env.device))
                check_nan(obs, rewards, dones)
                obs, rewards, dones = obs.to(device), rewards.to(device), dones.to(device)
                alg.process_env_step(obs, rewards, dones, extras)
                self.logger.process_env_step(rewards, dones, extras, None)
            alg.compute_returns(obs)
        self.obs = obs

    def update(self) -> None:
        """``alg.update()``: every epoch and minibatch of the rollout."""
        with _distribution_validation(False), torch.enable_grad():
            self.losses = self.alg.update()

    def subject(self) -> Subject:
        """This peer as a bench subject named ``rsl_rl``."""
        total = self.train_cfg["num_steps_per_env"] * self.env.num_envs
        num_mini_batches = self.alg.num_mini_batches
        samples = self.alg.num_learning_epochs * num_mini_batches * (total // num_mini_batches)
        return Subject("rsl_rl", self.rollout, self.update, total, samples)


def rsl_rl_subject(cfg: DictConfig, device: torch.device) -> Subject:
    """rsl_rl's PPO with ``cfg``'s sizes and hyperparameters (:class:`RslRlPeer`) as a
    bench subject; raises :class:`MissingExtraError` without rsl_rl."""
    return RslRlPeer(cfg, device).subject()
