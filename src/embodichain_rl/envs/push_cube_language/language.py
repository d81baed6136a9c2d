"""The language of ``PushCubeLanguage``: colours, instruction templates, the fixed word
vocabulary and the text <-> word-id encoding (id 0 pads)."""

from __future__ import annotations

import torch

COLOURS: tuple[str, ...] = ("red", "blue", "green", "yellow")
"""Colour names of the goal discs; a disc's colour id indexes this tuple."""
TEMPLATES: dict[str, str] = {
    "push": "push the cube to the {colour} disc",
    "reach": "move to the {colour} disc",
}
"""The instruction of each task; ``{colour}`` is the named disc's colour."""
PAD = "<pad>"
"""The padding word (id 0)."""


def _vocabulary() -> tuple[str, ...]:
    """``<pad>``, then every template word in first-seen order, then the colours."""
    words: list[str] = [PAD]
    for template in TEMPLATES.values():
        for word in template.split():
            if word != "{colour}" and word not in words:
                words.append(word)
    return (*words, *COLOURS)


VOCABULARY: tuple[str, ...] = _vocabulary()
"""Every word an instruction can hold, fixed order; a word's id is its index."""
INSTRUCTION_LENGTH: int = max(len(t.split()) for t in TEMPLATES.values())
"""Word ids per instruction (the longest template; shorter ones are padded with 0)."""
_WORD_ID = {word: index for index, word in enumerate(VOCABULARY)}


def instruction(task: str, colour: int) -> str:
    """The instruction text of ``task`` naming colour id ``colour``."""
    return TEMPLATES[task].format(colour=COLOURS[colour])


def encode(text: str, length: int = INSTRUCTION_LENGTH) -> list[int]:
    """Word ids of ``text`` padded with 0 to ``length``; an unknown word or a text longer than
    ``length`` raises ``ValueError`` naming it."""
    words = text.split()
    unknown = [word for word in words if word not in _WORD_ID or word == PAD]
    if unknown:
        raise ValueError(f"words {unknown} are not in the vocabulary {list(VOCABULARY[1:])}")
    if len(words) > length:
        raise ValueError(f"instruction {text!r} has {len(words)} words, more than {length}")
    return [_WORD_ID[word] for word in words] + [0] * (length - len(words))


def decode(ids: list[int] | torch.Tensor) -> str:
    """The text of word ids (padding dropped)."""
    values = ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)
    return " ".join(VOCABULARY[int(i)] for i in values if int(i) != 0)


def instruction_table(task: str, device: torch.device) -> torch.Tensor:
    """int64 ``[len(COLOURS), INSTRUCTION_LENGTH]``: row ``c`` encodes ``task``'s
    instruction naming colour ``c`` (gathered per env by the target's colour id)."""
    rows = [encode(instruction(task, colour)) for colour in range(len(COLOURS))]
    return torch.tensor(rows, dtype=torch.int64, device=device)
