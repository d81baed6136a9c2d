"""A plain, single-file, eager PPO loop on PushCube: the yardstick for ``embodichain-bench train``.

Written in the style of public single-file reference implementations (CleanRL-like): its own
small MLP actor-critic sampling through ``torch.distributions.Normal``, preallocated
``[T, N]`` storage tensors, a reversed GAE loop, ``np.random.permutation`` minibatch indices
(host-side, as those loops do), per-minibatch advantage normalisation and ``.item()``
reads per minibatch for the logged clip fraction, and a boolean-mask bootstrap of
time-limited episodes from ``info["final_obs"]``. Nothing from the framework is used except
the environment (built through ``make_env``).

It ships inside the package so that ``embodichain-bench train`` works from a wheel.
Run it on its own:  python -m embodichain_rl.bench.reference_ppo --num-envs 2048 --iterations 20
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.distributions import Normal

from embodichain_rl.envs import make_env


@dataclass
class Args:
    """Hyperparameters, matching the framework's default PushCube config."""

    num_envs: int = 2048
    """Parallel envs (N)."""
    num_steps: int = 16
    """Env steps per env per rollout (T)."""
    iterations: int = 400
    """Rollout + update cycles; the linear learning-rate decay spans them."""
    learning_rate: float = 1e-3
    """Adam step size at the first iteration, decayed linearly to 0."""
    update_epochs: int = 5
    """Passes over each rollout."""
    minibatch_size: int = 8192
    """Samples per minibatch (capped at T*N)."""
    gamma: float = 0.95
    """Discount factor."""
    gae_lambda: float = 0.95
    """GAE lambda."""
    clip_coef: float = 0.2
    """Surrogate clipping range."""
    ent_coef: float = 0.0
    """Entropy bonus weight."""
    vf_coef: float = 0.5
    """Value loss weight."""
    max_grad_norm: float = 0.5
    """Global gradient-norm clip."""
    hidden: int = 128
    """Width of both hidden layers of actor and critic."""
    control_mode: str = "joint_delta_pos"
    """PushCube action space."""
    seed: int = 42
    """Env and torch seed."""
    device: str = "cpu"
    """Torch device."""


def layer(n_in: int, n_out: int, gain: float = float(np.sqrt(2))) -> nn.Linear:
    linear = nn.Linear(n_in, n_out)
    nn.init.orthogonal_(linear.weight, gain)
    nn.init.zeros_(linear.bias)
    return linear


def mlp(n_in: int, hidden: int, n_out: int, out_gain: float) -> nn.Sequential:
    return nn.Sequential(
        layer(n_in, hidden),
        nn.ELU(),
        layer(hidden, hidden),
        nn.ELU(),
        layer(hidden, n_out, out_gain),
    )


class Agent(nn.Module):
    def __init__(self, obs_dim: int, action_dim: int, hidden: int) -> None:
        super().__init__()
        self.critic = mlp(obs_dim, hidden, 1, 1.0)
        self.actor_mean = mlp(obs_dim, hidden, action_dim, 0.01)
        self.actor_logstd = nn.Parameter(torch.zeros(1, action_dim))

    def get_value(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(x)

    def get_action_and_value(
        self, x: torch.Tensor, action: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        mean = self.actor_mean(x)
        dist = Normal(mean, self.actor_logstd.expand_as(mean).exp())
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action).sum(1), dist.entropy().sum(1), self.critic(x)


class ReferencePPO:
    """The loop's state; ``rollout`` and ``update`` are the two halves of one iteration."""

    def __init__(self, args: Args) -> None:
        self.args = a = args
        self.stats: dict[str, float] = {}
        torch.manual_seed(a.seed)
        np.random.seed(a.seed)
        self.device = torch.device(a.device)
        self.env = make_env(
            "PushCubeRL", num_envs=a.num_envs, device=self.device, control_mode=a.control_mode
        )
        obs_dim, act_dim = self.env.obs_dim, self.env.action_dim
        self.agent = Agent(obs_dim, act_dim, a.hidden).to(self.device)
        self.optimizer = torch.optim.Adam(self.agent.parameters(), lr=a.learning_rate, eps=1e-5)
        shape = (a.num_steps, a.num_envs)
        self.obs = torch.zeros((*shape, obs_dim), device=self.device)
        self.actions = torch.zeros((*shape, act_dim), device=self.device)
        self.logprobs = torch.zeros(shape, device=self.device)
        self.rewards = torch.zeros(shape, device=self.device)
        self.dones = torch.zeros(shape, device=self.device)
        self.values = torch.zeros(shape, device=self.device)
        self.advantages = torch.zeros(shape, device=self.device)
        self.next_obs, _ = self.env.reset(seed=a.seed)
        self.next_done = torch.zeros(a.num_envs, device=self.device)
        self.episode_return = torch.zeros(a.num_envs, device=self.device)
        self.iteration = 0

    @property
    def batch_size(self) -> int:
        return self.args.num_steps * self.args.num_envs

    def rollout(self) -> None:
        """T env steps with the current policy, then GAE into ``self.advantages``."""
        a = self.args
        finished_returns, finished_successes = [], []
        for step in range(a.num_steps):
            self.obs[step] = self.next_obs
            self.dones[step] = self.next_done
            with torch.no_grad():
                action, logprob, _, value = self.agent.get_action_and_value(self.next_obs)
            self.values[step] = value.flatten()
            self.actions[step] = action
            self.logprobs[step] = logprob
            self.next_obs, reward, terminated, truncated, info = self.env.step(action)
            done = terminated | truncated
            self.episode_return += reward
            self.rewards[step] = reward
            time_limited = truncated & ~terminated
            if time_limited.any():
                with torch.no_grad():
                    final_value = self.agent.get_value(info["final_obs"][time_limited]).flatten()
                self.rewards[step, time_limited] += a.gamma * final_value
            if done.any():
                finished_returns.append(self.episode_return[done])
                finished_successes.append(info["metrics"]["success"][done].float())
                self.episode_return[done] = 0.0
            self.next_done = done.float()
        if finished_returns:
            self.stats["episode_return"] = torch.cat(finished_returns).mean().item()
            self.stats["success"] = torch.cat(finished_successes).mean().item()
        self.compute_gae()

    def compute_gae(self) -> None:
        a = self.args
        with torch.no_grad():
            next_value = self.agent.get_value(self.next_obs).flatten()
            lastgaelam = torch.zeros(a.num_envs, device=self.device)
            for t in reversed(range(a.num_steps)):
                if t == a.num_steps - 1:
                    nextnonterminal = 1.0 - self.next_done
                    nextvalues = next_value
                else:
                    nextnonterminal = 1.0 - self.dones[t + 1]
                    nextvalues = self.values[t + 1]
                delta = self.rewards[t] + a.gamma * nextvalues * nextnonterminal - self.values[t]
                lastgaelam = delta + a.gamma * a.gae_lambda * nextnonterminal * lastgaelam
                self.advantages[t] = lastgaelam
        self.returns = self.advantages + self.values

    def update(self) -> None:
        """``update_epochs`` passes of clipped-PPO minibatch Adam steps over the rollout."""
        a = self.args
        frac = 1.0 - self.iteration / a.iterations
        self.optimizer.param_groups[0]["lr"] = frac * a.learning_rate
        b_obs = self.obs.reshape(self.batch_size, -1)
        b_actions = self.actions.reshape(self.batch_size, -1)
        b_logprobs = self.logprobs.reshape(-1)
        b_advantages = self.advantages.reshape(-1)
        b_returns = self.returns.reshape(-1)
        b_values = self.values.reshape(-1)
        minibatch_size = min(a.minibatch_size, self.batch_size)
        clipfracs = []
        for _ in range(a.update_epochs):
            b_inds = np.random.permutation(self.batch_size)
            for start in range(0, self.batch_size - minibatch_size + 1, minibatch_size):
                mb_inds = b_inds[start : start + minibatch_size]
                _, newlogprob, entropy, newvalue = self.agent.get_action_and_value(
                    b_obs[mb_inds], b_actions[mb_inds]
                )
                logratio = newlogprob - b_logprobs[mb_inds]
                ratio = logratio.exp()
                with torch.no_grad():
                    approx_kl = ((ratio - 1) - logratio).mean()
                    clipfracs.append(((ratio - 1.0).abs() > a.clip_coef).float().mean().item())
                mb_adv = b_advantages[mb_inds]
                mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                pg_loss1 = -mb_adv * ratio
                pg_loss2 = -mb_adv * torch.clamp(ratio, 1 - a.clip_coef, 1 + a.clip_coef)
                pg_loss = torch.max(pg_loss1, pg_loss2).mean()
                v_loss = 0.5 * ((newvalue.flatten() - b_returns[mb_inds]) ** 2).mean()
                entropy_loss = entropy.mean()
                loss = pg_loss - a.ent_coef * entropy_loss + v_loss * a.vf_coef
                self.optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(self.agent.parameters(), a.max_grad_norm)
                self.optimizer.step()
        self.iteration += 1
        y_pred, y_true = b_values.cpu().numpy(), b_returns.cpu().numpy()
        var_y = np.var(y_true)
        self.stats.update(
            value_loss=v_loss.item(),
            policy_loss=pg_loss.item(),
            entropy=entropy_loss.item(),
            approx_kl=approx_kl.item(),
            clipfrac=float(np.mean(clipfracs)),
            explained_variance=float("nan")
            if var_y == 0
            else float(1 - np.var(y_true - y_pred) / var_y),
            lr=self.optimizer.param_groups[0]["lr"],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name, value in vars(Args()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = Args(**vars(parser.parse_args()))
    ppo = ReferencePPO(args)
    start = time.perf_counter()
    for _ in range(args.iterations):
        ppo.rollout()
        ppo.update()
        sps = ppo.iteration * ppo.batch_size / (time.perf_counter() - start)
        print(
            f"iter {ppo.iteration} SPS {sps:,.0f} "
            + " ".join(f"{k}={v:.4g}" for k, v in ppo.stats.items())
        )


if __name__ == "__main__":
    main()
