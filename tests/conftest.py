"""Shared fixtures: Hydra composition of the shipped configs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from hydra import compose, initialize_config_module
from omegaconf import DictConfig

from embodichain_rl.config import register_configs

os.environ.setdefault("WANDB_MODE", "offline")
os.environ.setdefault("WANDB_SILENT", "true")
# Tests never reach the network: transformers / huggingface_hub may only read local files.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ComposeFn = Callable[..., DictConfig]


def _composer(*, with_hydra: bool) -> Iterator[ComposeFn]:
    register_configs()
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):

        def _compose(*overrides: str) -> DictConfig:
            return compose(
                config_name="train", overrides=list(overrides), return_hydra_config=with_hydra
            )

        yield _compose


@pytest.fixture
def compose_train() -> Iterator[ComposeFn]:
    """Compose ``train.yaml`` from the installed package with the given overrides."""
    yield from _composer(with_hydra=False)


@pytest.fixture
def compose_hydra() -> Iterator[ComposeFn]:
    """Like ``compose_train``, with the ``hydra`` node (launcher, sweeper) included."""
    yield from _composer(with_hydra=True)
