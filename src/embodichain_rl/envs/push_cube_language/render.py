"""Eval-video frames of ``PushCubeLanguage``: the camera image, upscaled, above the text of
the instruction (numpy + PIL, host side)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

FRAME_SIDE = 192
"""Width and image height of a rendered frame (pixels; nearest-neighbour upscaling)."""
TEXT_STRIP = 24
"""Height of the strip below the image holding the instruction (pixels)."""
STRIP_COLOUR = (255, 255, 255)
"""Background of the text strip."""
TEXT_COLOUR = (0, 0, 0)
"""Colour of the instruction text."""


def annotated_frame(image: np.ndarray, text: str, side: int = FRAME_SIDE) -> np.ndarray:
    """RGB ``uint8 [side + TEXT_STRIP, side, 3]``: ``image [H, W, 3]`` scaled to
    ``side x side`` (nearest), the ``text`` written below it in PIL's default font."""
    picture = Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8)).resize(
        (side, side), Image.Resampling.NEAREST
    )
    frame = Image.new("RGB", (side, side + TEXT_STRIP), STRIP_COLOUR)
    frame.paste(picture, (0, 0))
    ImageDraw.Draw(frame).text((4, side + 6), text, fill=TEXT_COLOUR)
    return np.asarray(frame, dtype=np.uint8)
