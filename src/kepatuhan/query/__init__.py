"""Answers as tidy DataFrames, for analysts: scores, ranks, changes, zone moves, shares, group tests,
coverage and what is missing.

Every function loads the dataset like :func:`kepatuhan.dataset.load` (``data_dir=""`` is the project's
data), accepts provinces and entities as people type them ("Jateng", "Pemkab Rejang Lebong", "17.02")
and returns a DataFrame with typed columns, codes as strings and snake_case English column names.
Figures that rest on a subset say how large it is (``n_with_data``, ``n_published``, ``small_n``).
A name that matches nothing raises :class:`kepatuhan.errors.NameNotFound` with suggestions; a
comparison across a change of grading method says so (``comparable=False`` and the ``reason``).
"""

from __future__ import annotations

from .gaps import coverage, missing
from .groups import group_tests
from .moves import changes, zone_moves
from .tables import ranks, scores, shares

__all__ = ["changes", "coverage", "group_tests", "missing", "ranks", "scores", "shares", "zone_moves"]
