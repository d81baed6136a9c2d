"""`embodichain-plot RUN_DIR... [--out FILE]`: overlay the learning curves of several runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from embodichain_rl.trainer.curves import plot_runs


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    parser = argparse.ArgumentParser(
        prog="embodichain-plot",
        description="Episode return and success rate against env steps (eval points "
        "marked), read from each run's TensorBoard events.",
    )
    parser.add_argument("run_dirs", nargs="+", type=Path, help="run directories to overlay")
    parser.add_argument(
        "--out", type=Path, default=Path("curves.png"), help="output image (default curves.png)"
    )
    args = parser.parse_args(argv)
    missing = [str(d) for d in args.run_dirs if not d.is_dir()]
    if missing:
        parser.error(f"not a directory: {', '.join(missing)}")
    print(f"wrote {plot_runs(args.run_dirs, args.out)}")


if __name__ == "__main__":
    main()
