"""Words of the reports: grades, ranks, movements and notes as sentences in the report's language.

Every word comes from the message catalogue (`messages`); the numbers come from the analysis modules
and the report's selection. Nothing here makes markup.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import findings, grading, maps, national, reconcile
from ..messages import Formatter
from .markup import sentence_case


def grade_words(f: Formatter, zone: str, category, inferred: bool = False, opinion=None, flag=None,
                printed: PrintedLabels | None = None) -> str:
    """The grade in words: category (2022–2024) or opini level (2025–) with its zone, and the published
    Tanpa Maladministrasi flag where the instrument has one. With `printed`, an opini no source printed
    says it is inferred from the score, next to the service-quality word the source did print."""
    if isinstance(category, str):
        words = f.category(category) + ", " + f.zone(zone)
    elif isinstance(opinion, str) and f.has(f"opinion.{opinion}"):
        words = f(f"opinion.{opinion}")
        if printed is not None and not printed.opinion:
            words += " " + (f("grade.opinion_inferred_quality", quality=printed.service_quality)
                            if printed.service_quality else f("grade.opinion_inferred"))
        words += ", " + f.zone(zone)
    else:
        words = f.zone(zone)
    if isinstance(flag, str) and flag in INLINE_FLAGS and f.has(f"flag.{flag}"):
        words += "; " + f(f"flag.{flag}")
    return words


#: Flags said inside the grade ("…, zona hijau; dengan predikat Tanpa Maladministrasi"); the others are
#: about the sources, so they are a sentence of their own (see `grade_notes`).
INLINE_FLAGS = ("tanpa_maladministrasi", "without_qualifier")


def grade_notes(f: Formatter, inferred: bool, flag=None) -> str:
    """What the grade rests on, as short sentences after the finding, so the finding stays one idea."""
    notes = [f("grade.inferred")] if inferred else []
    if isinstance(flag, str) and flag not in INLINE_FLAGS and f.has(f"flag.{flag}"):
        notes.append(sentence_case(f(f"flag.{flag}")) + ".")
    return " ".join(notes)


@dataclass(frozen=True)
class PrintedLabels:
    """What the sources of one entity and year printed, as opposed to what was computed from the score."""

    opinion: bool  # some source printed the opini level
    service_quality: str | None  # the service-quality word a source printed (Sangat Baik, Baik, …)


def printed_labels(sources: pd.DataFrame, code: str, year: int) -> PrintedLabels:
    rows = sources[(sources["entity_code"] == code) & (sources["year"] == year)]
    printed = [v for v in rows["opinion"] if isinstance(v, str) and v]
    quality = next((v for v in rows["service_quality"] if isinstance(v, str) and v), None)
    return PrintedLabels(bool(printed), quality)


def row_grade(f: Formatter, row, sources: pd.DataFrame | None = None) -> str:
    printed = printed_labels(sources, row["entity_code"], row["year"]) if sources is not None else None
    return grade_words(f, row["zone"], row["category"], row["zone_basis"] == "inferred", row.get("opinion"),
                       row.get("maladministrasi"), printed)


def row_finding(f: Formatter, row, name: str, sources: pd.DataFrame) -> str:
    """'Pada 2025, X memperoleh nilai 88,23: <grade>.' (or its label-only form), then the notes on the grade.

    A zone is only 'inferred from the score' when there is a score; a label-only zone comes from the label."""
    grade = row_grade(f, row, sources)
    scored = not pd.isna(row["score"])
    sentence = (f("finding.standing", name=name, year=row["year"], score=f.num(row["score"]), grade=grade) if scored
                else f("finding.label_only", name=name, year=row["year"], grade=grade))
    notes = grade_notes(f, scored and row["zone_basis"] == "inferred", row.get("maladministrasi"))
    return f"{sentence} {notes}".strip()


def grade_short(f: Formatter, category, zone, opinion=None) -> str:
    """The grade for a table cell: 'A (hijau)', 'Kualitas Sedang (kuning)' or 'kuning'."""
    if isinstance(category, str):
        return f(f"category.{category}.short")
    if isinstance(opinion, str) and f.has(f"opinion.{opinion}.short"):
        return f(f"opinion.{opinion}.short", zone=f(f"zone.{zone}.short"))
    return f(f"zone.{zone}.short")


def grades_short(f: Formatter, rows: pd.DataFrame) -> list[str]:
    opinions = rows["opinion"] if "opinion" in rows else [None] * len(rows)
    return [grade_short(f, c, z, o) for c, z, o in zip(rows["category"], rows["zone"], opinions, strict=True)]


def with_sample(items: list[str], sample: str) -> list[str]:
    """The sample caveat joined to the last sentence about ranks or counts (one finding, not two)."""
    if not sample:
        return items
    return [*items[:-1], f"{items[-1]} {sample}"] if items else [sample]


def sample_sentence(f: Formatter, aggregates: pd.DataFrame, year: int) -> str:
    """Empty for a census year; for a sampled year (2025), that ranks are within the sample of n."""
    drawn = national.sample(aggregates, year)
    return f("finding.rank_sample", year=year, n=f.int(drawn.n)) if drawn else ""


def set_words(f: Formatter, set_name: str, province: str = "") -> str:
    return f(f"set.{set_name}", province=province)


def rank_sentence(f: Formatter, rank: findings.Rank, year: int, province: str = "") -> str:
    where = set_words(f, rank.set_name, province)
    if rank.rank is None:
        return f("finding.rank_too_few", set=where, n=rank.n, year=year, need=findings.MIN_QUOTED_RANK)
    notes = []
    if rank.sampled and rank.quotable:  # an unquoted rank names the sample in its coverage
        notes.append(f("finding.rank_sampled", sampled=f.int(rank.sampled), set=where, year=year))
    if rank.label_only:
        kind = "opinion" if maps.label_kind(year) == "opinion" else "label"
        notes.append(f(f"finding.rank_label_only.{kind}", n=f.int(rank.label_only), set=where))
    if not rank.quotable:  # too thin a part of the group: its coverage and the position against the median
        size = rank.sampled or rank.assessed or rank.group_size
        coverage = (f("finding.rank_coverage.of", n=rank.n, size=f.int(size), set=where) if size
                    else f("finding.rank_coverage.n", n=rank.n, set=where))
        return f(f"finding.rank_position.{findings.median_position(rank)}", year=year, coverage=coverage,
                 median=f.num(rank.median), notes=" (" + "; ".join(notes) + ")" if notes else "")
    sentence = f("finding.rank_quoted", rank=rank.rank, n=rank.n, set=where, year=year,
                 notes=" (" + "; ".join(notes) + ")" if notes else "")
    if rank.assessed:
        sentence += " " + f("finding.rank_assessed", assessed=f.int(rank.assessed), set=where, year=year)
    return sentence


def gap_words(f: Formatter, gap: float, against: str) -> str:
    """'3,07 poin di bawah nilai tertinggi': the distance in words, never a bare signed number."""
    what = f(f"gap.{against}")
    if round(gap, 2) == 0:
        return f("gap.equal", what=what)
    return f("gap.below" if gap < 0 else "gap.above", points=f.num(abs(gap)), what=what)


def movement_sentence(f: Formatter, m: findings.Movement | None) -> str:
    if m is None:
        return f("finding.no_previous")
    if not m.comparable:
        return f("finding.movement_break", from_year=m.from_year, previous=f.num(m.previous), year=m.year,
                 break_year=m.break_year)
    key = "finding.up" if m.change > 0 else "finding.down" if m.change < 0 else "finding.same"
    return f(key, change=f.num(abs(m.change)), from_year=m.from_year, previous=f.num(m.previous))


def break_notes(f: Formatter, years: list[int]) -> tuple[str, ...]:
    """One note per change of method between the years shown, naming the first year of the new method."""
    return tuple(f("trend.break_note", year=findings.first_year_of_new_method(a, b))
                 for a, b in zip(years, years[1:], strict=False) if not grading.same_scheme(a, b))


def conflict_value(listed: str, f: Formatter) -> str:
    """One source's value in the report's words: its score, or its zone when it printed no score."""
    zone = reconcile.label_only_zone(listed)
    return f"{f.zone(zone)} ({f('grade.no_score')})" if zone else f.num(float(listed))


def opinion_marks(f: Formatter, rows: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    """' (opini disimpulkan dari nilai)' for each row whose opini no source printed, else ''."""
    opinions = rows["opinion"] if "opinion" in rows else [None] * len(rows)
    return ["" if not isinstance(o, str) or isinstance(k, str) or printed_labels(sources, c, int(y)).opinion
            else " " + f("grade.opinion_inferred_short")  # a category is shown instead of an opini: no mark
            for o, k, c, y in zip(opinions, rows["category"], rows["entity_code"], rows["year"], strict=True)]
