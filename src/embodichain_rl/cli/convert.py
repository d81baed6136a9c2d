"""`embodichain-convert FILE.json -o conf/experiment/NAME.yaml`: a legacy JSON config as a
Hydra experiment preset (then ``embodichain-train +experiment=NAME``)."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from embodichain_rl.cli.json_entry import describe_legacy_error
from embodichain_rl.config.legacy import LegacyConfigError, experiment_yaml, translate_json
from hydra_plugins.embodichain_rl_searchpath.cwd_conf import package_conf_dir, user_conf_dir

EXIT_BAD_CONFIG = 2
"""Exit status for a config that cannot be converted or an output that exists."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="embodichain-convert",
        description="Convert a legacy EmbodiChain train config (JSON or YAML) to a Hydra preset.",
    )
    parser.add_argument("config", type=Path, help="legacy train config (JSON or YAML)")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="preset to write, e.g. conf/experiment/NAME.yaml",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Convert; print the one error and exit 2 when the config cannot be used."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if args.output.exists() and not args.force:
        print(f"error: {args.output} exists; pass --force to overwrite", file=sys.stderr)
        sys.exit(EXIT_BAD_CONFIG)
    try:
        text = experiment_yaml(translate_json(args.config))
    except LegacyConfigError as error:
        print(f"error: {describe_legacy_error(error)}", file=sys.stderr)
        sys.exit(EXIT_BAD_CONFIG)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}; train it with:\n  {train_command(args.output)}", file=sys.stderr)


def train_command(preset: Path, cwd: Path | None = None) -> str:
    """The ``embodichain-train`` command line that composes ``preset``: a preset at
    ``conf/experiment/NAME.yaml`` of ``cwd`` (whose ``conf/`` is on the search path) or
    of the package is ``+experiment=NAME``; elsewhere the folder above the preset's goes
    on the search path and the preset's folder is its config group."""
    cwd = Path.cwd() if cwd is None else cwd
    preset = preset.absolute()
    group, root = preset.parent.name, preset.parent.parent
    if root.resolve() == package_conf_dir():
        root = root.resolve()
    choice = f"+{group}={preset.stem}"
    if group == "experiment" and root in (user_conf_dir(cwd), package_conf_dir()):
        return f"embodichain-train {choice}"
    searchpath = shlex.quote(f"hydra.searchpath=[file://{root}]")
    return f"embodichain-train {searchpath} {shlex.quote(choice)}"


if __name__ == "__main__":
    main()
