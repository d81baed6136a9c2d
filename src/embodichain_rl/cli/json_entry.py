"""``--json FILE`` on a Hydra command line: the file's overrides replace the flag.

The rewritten argv goes to Hydra's own ``main``, so the run directory, ``.hydra/`` and
multirun behave exactly as for a YAML run. A bad file prints its one error and exits 2
before Hydra creates anything.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from embodichain_rl.config.legacy import LegacyConfigError, json_overrides

EXIT_BAD_CONFIG = 2
"""Exit status for a legacy config that cannot be used."""


class UsageError(ValueError):
    """The flag is given without a file or more than once."""


def split_json_flag(args: Sequence[str], flag: str) -> tuple[str | None, list[str]]:
    """``(FILE, other args)`` for ``flag FILE`` or ``flag=FILE`` in ``args``."""
    path: str | None = None
    rest: list[str] = []
    items = iter(args)
    for arg in items:
        if arg == flag or arg.startswith(flag + "="):
            value = arg[len(flag) + 1 :] if "=" in arg else next(items, None)
            if not value or path is not None:
                raise UsageError(f"{flag} takes one JSON file, given once")
            path = value
        else:
            rest.append(arg)
    return path, rest


def _is_override(arg: str) -> bool:
    return not arg.startswith("-") and ("=" in arg or arg.startswith("~"))


def insert_overrides(args: list[str], overrides: list[str]) -> list[str]:
    """Place ``overrides`` just before the user's own overrides (Hydra reads them as one
    positional block, later values win), or at the end when there are none."""
    index = next((i for i, arg in enumerate(args) if _is_override(arg)), len(args))
    return [*args[:index], *overrides, *args[index:]]


def expand_json_flag(args: list[str], flag: str = "--json") -> list[str]:
    """``args`` with ``flag FILE`` replaced by the file's overrides; a bad file prints its
    one error and exits 2."""
    try:
        path, rest = split_json_flag(args, flag)
        if path is not None:
            rest = insert_overrides(rest, json_overrides(path))
    except (LegacyConfigError, UsageError) as error:
        print(f"error: {describe_legacy_error(error)}", file=sys.stderr)
        sys.exit(EXIT_BAD_CONFIG)
    return rest


def describe_legacy_error(error: Exception) -> str:
    """The error's message, on one line when the file has a single problem."""
    problems = getattr(error, "problems", [])
    kind = getattr(error, "kind", "JSON")
    return f"cannot use legacy {kind} config {problems[0]}" if len(problems) == 1 else str(error)
