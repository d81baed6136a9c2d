"""A user's own PPO subclass, registered in the user's module, named in a legacy JSON file."""

from __future__ import annotations

from pathlib import Path

from embodichain_rl.config import load_json_config, validate_config
from embodichain_rl.config.schema import PPOAlgorithmConfig
from embodichain_rl.trainer.run import run
from tests.config import legacy_user_algo
from tests.config.legacy_helpers import TINY, tutorial_data, write_json

MODULE = "tests.config.legacy_user_algo"


def _user_config(tmp_path: Path) -> Path:
    data = tutorial_data()
    data["runtime"]["imports"] = [MODULE]
    data["algorithm"]["name"] = legacy_user_algo.NAME
    data["algorithm"]["cfg"]["gamma"] = 0.97
    return write_json(tmp_path / "user_algo.json", data)


def test_user_algorithm_keeps_the_ppo_schema_with_its_own_target(tmp_path: Path) -> None:
    cfg = load_json_config(_user_config(tmp_path))
    assert cfg.algorithm._target_ == f"{MODULE}.CountingPPO"
    assert list(cfg.runtime.imports) == [MODULE]
    assert cfg.algorithm.gamma == 0.97
    typed = validate_config(cfg)
    assert isinstance(typed.algorithm, PPOAlgorithmConfig)


def test_user_algorithm_trains_one_iteration(tmp_path: Path) -> None:
    cfg = load_json_config(_user_config(tmp_path), [*TINY, "runtime.device=cpu"])
    before = len(legacy_user_algo.CountingPPO.instances)
    summary = run(cfg, tmp_path / "run")
    built = legacy_user_algo.CountingPPO.instances[before:]
    assert len(built) == 1
    assert built[0].updates == 1
    assert built[0].config.gamma == 0.97
    assert summary.iterations == 1
    assert (tmp_path / "run" / "checkpoints").is_dir()
