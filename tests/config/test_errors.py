"""Bad configs fail before anything is built, naming the key and what is valid."""

from __future__ import annotations

import pytest
from hydra.errors import ConfigCompositionException
from omegaconf.errors import ConfigKeyError, ValidationError

from embodichain_rl.config import ConfigError, validate_config


def test_typo_in_key_names_the_key(compose_train) -> None:
    with pytest.raises(ConfigCompositionException) as info:
        compose_train("algorithm.gama=0.9")
    assert "gama" in str(info.value) + str(info.value.__cause__)


def test_wrong_type_names_the_key(compose_train) -> None:
    with pytest.raises(ConfigCompositionException) as info:
        compose_train("algorithm.n_epochs=many")
    cause = info.value.__cause__
    assert isinstance(cause, ValidationError)
    assert "n_epochs" in str(cause)


def test_unknown_option_lists_valid_ones(compose_train) -> None:
    with pytest.raises(ConfigCompositionException) as info:
        compose_train("env=push_sphere")
    message = str(info.value)
    assert "push_sphere" in message
    assert "push_cube" in message and "gym" in message


def test_forced_new_key_is_rejected_by_validation(compose_train) -> None:
    cfg = compose_train("+algorithm.gamma_typo=0.5")
    with pytest.raises(ConfigError) as info:
        validate_config(cfg)
    assert "algorithm.gamma_typo" in str(info.value)
    assert "gamma" in str(info.value)


def test_missing_value_is_named(compose_train) -> None:
    cfg = compose_train("runtime.exp_name=???")
    with pytest.raises(ConfigError, match=r"runtime\.exp_name"):
        validate_config(cfg)


def test_out_of_range_value_is_named(compose_train) -> None:
    cfg = compose_train("algorithm.gamma=1.5")
    with pytest.raises(ConfigError, match="gamma"):
        validate_config(cfg)


def test_unknown_network_key_is_rejected(compose_train) -> None:
    with pytest.raises((ConfigCompositionException, ConfigKeyError)) as info:
        compose_train("policy.actor.hidden=[8]")
    assert "hidden" in str(info.value) + str(info.value.__cause__)
