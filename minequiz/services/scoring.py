"""Scoring: a pure function of a question and an answer, for every question kind.

Each question is worth one mark.
- single, truefalse: 1 for the right choice, else 0.
- multiple: each right choice picked earns 1/(number right), each wrong choice picked
  costs 1/(number wrong), never below 0 (Moodle's default for several answers), so
  ticking every box earns nothing.
- order: the share of neighbouring steps placed one directly after the other as in the
  right order (Moodle's "relative to the next item"), so one step out of place does not
  zero the whole answer.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChoiceSpec:
    id: int
    correct: bool


def score_answer(kind: str, choices: Sequence[ChoiceSpec], answer: Sequence[int]) -> float:
    """Mark in [0, 1] for `answer` (choice ids; for `order`, the learner's order).

    `choices` are in their stored order, which for `order` is the right order.
    """
    if kind in ("single", "truefalse"):
        right = {c.id for c in choices if c.correct}
        return 1.0 if len(answer) == 1 and answer[0] in right else 0.0
    if kind == "multiple":
        right = {c.id for c in choices if c.correct}
        wrong = {c.id for c in choices if not c.correct}
        picked = set(answer)
        gained = len(picked & right) / len(right) if right else 0.0
        lost = len(picked & wrong) / len(wrong) if wrong else 0.0
        return max(0.0, round(gained - lost, 6))
    if kind == "order":
        expected = [c.id for c in choices]
        if sorted(answer) != sorted(expected) or len(expected) < 2:
            return 0.0
        place = {choice_id: index for index, choice_id in enumerate(answer)}
        kept = sum(1 for a, b in zip(expected, expected[1:], strict=False) if place[b] == place[a] + 1)
        return round(kept / (len(expected) - 1), 6)
    raise ValueError(f"unknown question kind: {kind}")


def right_answer(kind: str, choices: Sequence[ChoiceSpec]) -> list[int]:
    """The choice ids of a full-mark answer."""
    if kind == "order":
        return [c.id for c in choices]
    return [c.id for c in choices if c.correct]
