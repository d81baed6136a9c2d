"""Every run writes curves.png; embodichain-plot overlays several runs."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from embodichain_rl.cli.plot import main as plot_main
from embodichain_rl.trainer.curves import read_scalars
from embodichain_rl.trainer.run import run
from tests.trainer.resume_helpers import TINY


def test_runs_write_curves_and_plot_overlays_them(compose_train, tmp_path: Path) -> None:
    dirs = [tmp_path / "a", tmp_path / "b"]
    for seed, run_dir in enumerate(dirs):
        cfg = compose_train(
            *TINY, "runtime.iterations=2", "runtime.eval_freq=1", f"runtime.seed={seed}"
        )
        run(cfg, run_dir)
        with Image.open(run_dir / "curves.png") as image:
            assert image.format == "PNG"
            assert image.width > 400
        series = read_scalars(run_dir, ["eval/success_rate", "charts/success_rate"])
        assert series["eval/success_rate"][0] == [64, 128]
    out = tmp_path / "overlay.png"
    plot_main([*map(str, dirs), "--out", str(out)])
    with Image.open(out) as image:
        assert image.format == "PNG"
