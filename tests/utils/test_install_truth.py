"""What the README tells a user to install is what CI installs, and the torch requirement
never forces another torch onto a machine that has a current one."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _torch_requirement() -> str:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib needs Python 3.11")
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (torch,) = [d for d in project["dependencies"] if re.match(r"torch\b", d)]
    return torch


def _quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines()]


@pytest.mark.parametrize("release", ["2.13.0", "2.15.0", "2.20.1", "3.0.0"])
def test_torch_requirement_accepts_current_and_newer_releases(release: str) -> None:
    from packaging.requirements import Requirement

    requirement = Requirement(_torch_requirement())
    assert requirement.specifier.contains(release), f"{requirement} would replace torch {release}"


def test_readme_first_screen_installs_cpu_torch_then_the_project() -> None:
    lines = _quick_start()
    cpu_torch = "pip install torch --index-url https://download.pytorch.org/whl/cpu"
    install = 'pip install -e ".[dev]" && embodichain-train'
    assert lines.index(cpu_torch) < lines.index(install) < lines.index("pytest -q")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.index("pytest -q") < len("\n".join(readme.splitlines()[:40]))


def test_ci_installs_the_cpu_torch_first_then_exactly_the_readme_install() -> None:
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    readme_install = next(line for line in _quick_start() if line.startswith("pip install -e"))
    project_install = readme_install.split("&&", 1)[0].strip()
    assert ci.index("pip install torch==2.13.0") < ci.index(project_install)
    assert ci.index(project_install) < ci.index("pytest -q")
