"""Let ``embodichain-train +experiment=NAME`` find ``./conf/experiment/NAME.yaml``.

Hydra discovers this plugin in the ``hydra_plugins`` namespace package. For the apps whose
configs come from ``pkg://embodichain_rl.conf`` (train, eval, export) it appends the
working directory's ``conf/`` folder, when there is one, to the config search path, after
the shipped configs: a user's presets (what ``embodichain-convert`` writes) are found, and a
name the package already has keeps meaning the shipped config. Other Hydra apps, and a
working directory without ``conf/``, are left untouched.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hydra.core.config_search_path import ConfigSearchPath
from hydra.plugins.search_path_plugin import SearchPathPlugin

PACKAGE_CONFIGS = "pkg://embodichain_rl.conf"
"""Where embodichain_rl's apps read their primary configs."""
PROVIDER = "embodichain_rl (./conf)"
"""How the entry shows in ``embodichain-train --info searchpath``."""


def package_conf_dir() -> Path | None:
    """The folder of the shipped configs (``embodichain_rl/conf``), resolved."""
    spec = importlib.util.find_spec("embodichain_rl.conf")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]).resolve() if locations else None


def user_conf_dir(cwd: Path) -> Path | None:
    """``cwd/conf`` when it is a folder other than the package's own configs (a checkout's
    ``conf`` links to those), else ``None``."""
    conf = cwd / "conf"
    if not conf.is_dir():
        return None
    return None if conf.resolve() == package_conf_dir() else conf.absolute()


class EmbodichainCwdConf(SearchPathPlugin):
    """Appends ``file://<cwd>/conf`` behind embodichain_rl's own configs."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        paths = [element.path for element in search_path.get_path()]
        if PACKAGE_CONFIGS not in paths:
            return
        conf = user_conf_dir(Path.cwd())
        if conf is not None and f"file://{conf}" not in paths:
            search_path.append(provider=PROVIDER, path=f"file://{conf}")
