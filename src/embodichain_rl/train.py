"""EmbodiChain's own command line: ``python -m embodichain_rl.train --config FILE.json``.

Same as ``embodichain-train --json FILE.json``; Hydra overrides may follow.
"""

from __future__ import annotations

import os
import sys

from embodichain_rl.cli.json_entry import run_with_json
from embodichain_rl.cli.train import train
from embodichain_rl.distributed.launch import worker_hydra_overrides


def main() -> None:
    """Run a legacy JSON train config given with ``--config``."""
    sys.argv.extend(worker_hydra_overrides(os.environ))
    run_with_json(train, flag="--config")


if __name__ == "__main__":
    main()
