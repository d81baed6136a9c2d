"""Algorithm registry: decorator, lookup, did-you-mean, duplicate protection."""

from __future__ import annotations

import pytest

from embodichain_rl.algorithms import (
    PPO,
    AlgoRegistryError,
    get_algo_class,
    register_algo,
    registered_algos,
)


def test_ppo_is_registered() -> None:
    assert "ppo" in registered_algos()
    assert get_algo_class("ppo") is PPO


def test_unknown_name_lists_registered_and_suggests() -> None:
    with pytest.raises(AlgoRegistryError, match=r"registered: \[.*'ppo'.*\]\. Did you mean 'ppo'"):
        get_algo_class("pp0")


def test_duplicate_registration_needs_override() -> None:
    class MyPPO(PPO):
        pass

    with pytest.raises(AlgoRegistryError, match="already registered"):
        register_algo("ppo")(MyPPO)
    register_algo("my_ppo_for_test", override=True)(MyPPO)
    assert get_algo_class("my_ppo_for_test") is MyPPO


def test_only_algorithms_can_be_registered() -> None:
    with pytest.raises(AlgoRegistryError, match="BaseAlgorithm subclass"):
        register_algo("nope")(int)  # type: ignore[type-var]
