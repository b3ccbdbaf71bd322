"""One character table for every character-level model of the course (lessons 07 and 08).

`CharTable` maps characters to ids in a fixed (sorted) order, after `FIRST_ID` reserved
ids: lesson 07's `CharVocabulary` reserves none (id i is chars[i]); lesson 08's
`CharTokenizer` reserves 0 for padding and 1 for the decoder's start token. The lessons'
classes add what only they need (the wording of their errors, lesson 08's max_length and
padded batches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np


def describe_chars(chars) -> str:
    """'a', 'Z', '\\n' -- characters written so that spaces and newlines are visible."""
    return ", ".join(repr(c) for c in chars)


@dataclass(frozen=True)
class CharTable:
    """Characters <-> ids: `chars[i]` has id `FIRST_ID + i`."""

    FIRST_ID: ClassVar[int] = 0  # ids below it are reserved (padding, start, ...)
    KIND: ClassVar[str] = "character table"  # how error messages name the table

    chars: tuple[str, ...]
    ids: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not self.chars:
            raise ValueError(f"a {self.KIND} needs at least one character")
        if any(not isinstance(c, str) or len(c) != 1 for c in self.chars):
            raise ValueError(f"every {self.KIND} entry must be a single character")
        if len(set(self.chars)) != len(self.chars):
            raise ValueError(f"the {self.KIND} lists a character twice")
        object.__setattr__(self, "ids", {c: self.FIRST_ID + i for i, c in enumerate(self.chars)})

    @staticmethod
    def sorted_chars(text: str) -> tuple[str, ...]:
        """Every distinct character of `text`, sorted (so the ids do not depend on order)."""
        return tuple(sorted(set(text)))

    @property
    def id_count(self) -> int:
        """How many ids there are: the reserved ones and one per character."""
        return self.FIRST_ID + len(self.chars)

    def unknown(self, text: str) -> list[str]:
        """The distinct characters of `text` that are not in the table, in order of appearance."""
        return [c for c in dict.fromkeys(text) if c not in self.ids]

    def known_ids(self, text: str) -> np.ndarray:
        """The ids of `text` (int32); every character must be known (check with `unknown` first)."""
        return np.fromiter((self.ids[c] for c in text), dtype=np.int32, count=len(text))

    def text_of(self, ids) -> str:
        """The text of a sequence of ids, reserved ids skipped; ids outside the table raise."""
        ids = np.asarray(ids).reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= self.id_count):
            raise ValueError(f"ids must lie in 0..{self.id_count - 1}, got {ids.min()}..{ids.max()}")
        return "".join(self.chars[i - self.FIRST_ID] for i in ids if i >= self.FIRST_ID)
