"""``python -m embodichain_rl.train --config FILE``: EmbodiChain's own way to run a legacy
JSON train config (the same job as ``embodichain-train --json FILE``)."""

from __future__ import annotations

from embodichain_rl.cli.train import main as train_main


def main() -> None:
    """Run a legacy JSON train config given with ``--config``."""
    train_main(json_flag="--config")


if __name__ == "__main__":
    main()
