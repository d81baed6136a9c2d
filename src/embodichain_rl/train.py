"""EmbodiChain's own command line: ``python -m embodichain_rl.train --config FILE.json``.

Same as ``embodichain-train --json FILE.json``; Hydra overrides may follow.
"""

from __future__ import annotations

from embodichain_rl.cli.json_entry import run_with_json
from embodichain_rl.cli.train import train


def main() -> None:
    """Run a legacy JSON train config given with ``--config``."""
    run_with_json(train, flag="--config")


if __name__ == "__main__":
    main()
