"""Console progress bar for the training loop."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from tqdm import tqdm


class ProgressBar:
    """A tqdm bar over env steps showing SPS, return and success; silent when disabled."""

    def __init__(self, *, total_steps: int, enabled: bool) -> None:
        self._bar = (
            tqdm(
                total=total_steps,
                unit="step",
                unit_scale=True,
                dynamic_ncols=True,
                file=sys.stderr,
                mininterval=1.0,
            )
            if enabled
            else None
        )

    def update(self, steps: int, scalars: Mapping[str, float]) -> None:
        if self._bar is None:
            return
        postfix = {"SPS": f"{scalars.get('charts/SPS', 0.0):,.0f}"}
        if "charts/episode_return" in scalars:
            postfix["return"] = f"{scalars['charts/episode_return']:.2f}"
        if "charts/success_rate" in scalars:
            postfix["success"] = f"{scalars['charts/success_rate']:.2f}"
        self._bar.set_postfix(postfix, refresh=False)
        self._bar.update(steps)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
