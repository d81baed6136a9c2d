"""Policy registry: decorator, lookup, did-you-mean, duplicate protection."""

from __future__ import annotations

import pytest

from embodichain_rl.policies import (
    ActorCritic,
    PolicyRegistryError,
    get_policy_class,
    register_policy,
    registered_policies,
)


def test_actor_critic_is_registered() -> None:
    assert "actor_critic" in registered_policies()
    assert get_policy_class("actor_critic") is ActorCritic


def test_unknown_name_lists_registered_and_suggests() -> None:
    with pytest.raises(PolicyRegistryError, match=r"registered: .*'actor_critic'.*Did you mean"):
        get_policy_class("actor_critc")


def test_duplicate_registration_needs_override() -> None:
    class Other(ActorCritic):
        pass

    with pytest.raises(PolicyRegistryError, match="already registered"):
        register_policy("actor_critic")(Other)
    assert get_policy_class("actor_critic") is ActorCritic


def test_only_policies_can_be_registered() -> None:
    with pytest.raises(PolicyRegistryError, match="Policy subclass"):
        register_policy("not_a_policy")(dict)  # type: ignore[type-var]
