"""Online wandb without an account fails in one line before any work, saying what to do.

Each case runs in a fresh interpreter with an isolated HOME, WANDB_CONFIG_DIR and NETRC
and without WANDB_API_KEY / WANDB_MODE / WANDB_BASE_URL, so it sees exactly the
credentials the test gives it (none, an env key or a netrc entry) and never reaches the
network: the check only reads files and the environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from pathlib import Path
from embodichain_rl.trainer.loggers import WandbLogger, WandbSetupError, check_wandb_ready
mode = sys.argv[1]
try:
    check_wandb_ready(mode)
    print("ready")
except WandbSetupError as error:
    print("check:", error)
if mode == "online":
    try:
        WandbLogger(project="p", run_name="r", run_dir=Path("run"), config={}, mode=mode)
        print("logger started")
    except WandbSetupError as error:
        print("logger:", error)
"""

FAKE_KEY = "0123456789abcdef0123456789abcdef01234567"


CHECK_ONLY = """
from embodichain_rl.trainer.loggers import check_wandb_ready
check_wandb_ready("online")
print("ready")
"""
"""The check's verdict alone (a logger with valid-looking credentials would go online)."""


def _python(tmp_path: Path, script: str, *args: str, **env: str) -> list[str]:
    """Run ``script`` in a fresh interpreter whose only credentials are those in ``env``."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    clean.update(
        HOME=str(home),
        WANDB_CONFIG_DIR=str(home / "wandb_config"),
        NETRC=str(home / "no_netrc"),
        WANDB_SILENT="true",
    )
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=tmp_path,
        env=clean,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def test_online_without_credentials_fails_in_one_line(tmp_path: Path) -> None:
    check, logger = _python(tmp_path, PROBE, "online")
    for line, prefix in ((check, "check: "), (logger, "logger: ")):
        assert line.startswith(prefix + "runtime.wandb_mode=online needs a W&B account")
        assert "`wandb login`" in line
        assert "runtime.wandb_mode=offline" in line
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("mode", ["offline", "disabled"])
def test_modes_without_an_account_need_no_credentials(tmp_path: Path, mode: str) -> None:
    assert _python(tmp_path, PROBE, mode) == ["ready"]


def test_an_api_key_in_the_environment_counts(tmp_path: Path) -> None:
    assert _python(tmp_path, CHECK_ONLY, WANDB_API_KEY=FAKE_KEY) == ["ready"]


def test_the_netrc_entry_of_wandb_login_counts(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine api.wandb.ai\n  login user\n  password {FAKE_KEY}\n")
    netrc.chmod(0o600)
    assert _python(tmp_path, CHECK_ONLY, NETRC=str(netrc)) == ["ready"]
