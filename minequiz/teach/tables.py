"""Report tables as data, so the page and its CSV export show the same figures.

A cell is (kind, value): `text`, `count`, `percent` (0–100), `gain` (percentage points)
or `score` (a lesson cell: best percent, attempts, mastered). Numbers are rounded once,
here, for both the screen and the file.
"""

import csv
import io
from dataclasses import dataclass, field

from babel import Locale
from babel.numbers import format_percent
from flask import g
from flask_babel import format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..i18n import language_autonym, localized, signed_number
from ..services.reports import lesson_summaries


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[list[tuple]] = field(default_factory=list)
    footer: list[list[tuple]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)


def rounded(value: float | None) -> int | None:
    return None if value is None else int(round(value + 1e-9))


def percent_text(value: float | None) -> str:
    return "–" if value is None else format_percent(rounded(value) / 100, locale=str(get_locale()))


def render_cell(kind: str, value) -> Markup:
    """A cell as the page shows it. A report has thousands of cells but few distinct
    figures, so each distinct figure is formatted once per request."""
    if kind in ("text", "count"):
        return escape("–" if value is None else value)
    if kind == "score":
        best, attempts, mastered = value
        key = (kind, rounded(best), attempts, mastered)
    else:
        key = (kind, rounded(value))
    cache = g.setdefault("formatted_cells", {})
    if key not in cache:
        cache[key] = _format_cell(kind, value)
    return cache[key]


def _format_cell(kind: str, value) -> Markup:
    if kind == "score":
        best, attempts, mastered = value
        if not attempts:
            return Markup('<span class="meta">%s</span>') % _("Not started")
        html = Markup('<span class="figure">%s</span> <span class="meta">%s</span>') % (
            percent_text(best),
            ngettext("%(num)d attempt", "%(num)d attempts", attempts),
        )
        if mastered:
            html += Markup(' <span class="badge good">%s</span>') % _("Mastered")
        return html
    if kind == "gain":
        return escape("–" if value is None else _("%(points)s percentage points", points=signed_number(rounded(value))))
    if kind == "index":
        return escape("–" if value is None else signed_number(rounded(value)))
    return escape(percent_text(value))


def score_columns(table: Table) -> set[int]:
    """The columns that hold lesson cells; each is three columns in a CSV file."""
    return {index for row in table.rows for index, (kind, _value) in enumerate(row) if kind == "score"}


def csv_headers(table: Table) -> list[str]:
    scores = score_columns(table)
    headers = []
    for index, header in enumerate(table.headers):
        kinds = {row[index][0] for row in table.rows + table.footer if index < len(row)}
        if index in scores:
            headers += [f"{header}: {_('Best')} (%)", f"{header}: {_('Attempts')}", f"{header}: {_('Mastered')}"]
        elif "percent" in kinds:
            headers.append(f"{header} (%)")
        else:
            headers.append(header)
    return headers


def csv_cells(row: list[tuple], scores: set[int] = frozenset()) -> list[str]:
    cells = []
    for index, (kind, value) in enumerate(row):
        if kind == "score":
            best, attempts, mastered = value
            cells += ["" if best is None else str(rounded(best)), str(attempts), _("Yes") if mastered else _("No")]
            continue
        if kind == "percent":
            cells.append("" if value is None else str(rounded(value)))
        elif kind in ("gain", "index"):
            cells.append("" if value is None else f"{rounded(value):+d}")
        else:
            cells.append("" if value is None else defuse(str(value)))
        if index in scores:  # a total under a lesson: its figure under "best", the rest empty
            cells += ["", ""]
    return cells


def defuse(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ ...) is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_bytes(table: Table, language: str) -> bytes:
    """UTF-8 with a byte-order mark, so Excel and LibreOffice read æ, ø and å; semicolons
    in Norwegian, where the comma is the decimal separator."""
    buffer = io.StringIO()
    # Where the comma is the decimal separator, spreadsheets expect semicolons between cells.
    comma_decimal = Locale.parse(language).number_symbols["latn"]["decimal"] == ","
    writer = csv.writer(buffer, delimiter=";" if comma_decimal else ",", lineterminator="\r\n")
    writer.writerow([defuse(header) for header in csv_headers(table)])
    scores = score_columns(table)
    for row in table.rows + table.footer:
        writer.writerow(csv_cells(row, scores))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def lesson_title(lesson, language: str) -> str:
    return localized(lesson.published_version.texts, language).title


def overview_table(data, students, language: str) -> Table:
    table = Table(
        "overview",
        _("Students and lessons"),
        [_("Student")] + [lesson_title(lesson, language) for lesson in data.lessons] + [_("Average")],
    )
    for student in students:
        cells = [("text", student.membership.display_name)]
        cells += [("score", (row.best, len(row.attempts), row.mastered)) for row in student.lessons]
        cells.append(("percent", student.average))
        table.rows.append(cells)
        table.links.append(str(student.membership.id))
    summaries = lesson_summaries(data)
    averages = [student.average for student in data.students if student.average is not None]
    table.footer.append(
        [("text", _("Class average"))]
        + [("percent", summary.average_best) for summary in summaries]
        + [("percent", sum(averages) / len(averages) if averages else None)]
    )
    return table


def gain_table(summaries, total, language: str) -> Table:
    table = Table(
        "gain",
        _("Before and after: test before reading, latest score and gain"),
        [
            _("Lesson"),
            _("Mean score before reading"),
            _("Students"),
            _("Mean latest score after reading"),
            _("Students"),
            _("Mean gain"),
            _("Students"),
        ],
    )
    for summary in summaries + [total]:
        name = _("All lessons") if summary.lesson is None else lesson_title(summary.lesson, language)
        cells = [
            ("text", name),
            ("percent", summary.pre),
            ("count", summary.n_pre),
            ("percent", summary.latest),
            ("count", summary.n_latest),
            ("gain", summary.gain),
            ("count", summary.n_gain),
        ]
        (table.rows if summary.lesson is not None else table.footer).append(cells)
    return table


def messages_table(shares, language: str) -> Table:
    table = Table(
        "messages",
        _("Safety messages, worst understood first"),
        [_("Safety message"), _("Answered right"), _("Answers"), _("Students")],
    )
    for share in shares:
        number = _("Safety message %(number)d", number=share.message.number)
        title = f"{number}: {localized(share.message.texts, language).title}"
        table.rows.append(
            [("text", title), ("percent", share.percent), ("count", len(share.marks)), ("count", len(share.students))]
        )
    return table


def items_table(rows, language: str) -> Table:
    table = Table(
        "items",
        _("Questions: facility and discrimination"),
        [_("Lesson"), _("Version"), _("Question"), _("Facility"), _("Discrimination"), _("Answers"), _("Note")],
    )
    for row in rows:
        note = _("Few answers: read with care") if row.stats.small_sample else ""
        table.rows.append(
            [
                # The version answered: the lesson may have been unpublished since.
                ("text", localized(row.version.texts, language).title),
                ("count", row.version.number),
                ("text", localized(row.question.texts, language).prompt),
                ("percent", row.stats.facility),
                ("index", row.stats.discrimination),
                ("count", row.stats.n),
                ("text", note),
            ]
        )
    return table


def group_table(field_name: str, rows, labels: dict[str, str]) -> Table:
    captions = {"age_group": _("By age group"), "gender": _("By gender"), "disability": _("By disability")}
    table = Table(
        f"groups-{field_name}",
        captions[field_name],
        [_("Group"), _("Students"), _("Mean best score"), _("Mean gain")],
    )
    for row in rows:
        name = labels.get(row.value, row.value)
        if row.hidden:
            why = _("Hidden to protect a smaller group") if row.shields_smaller else _("Hidden: fewer than 5")
            table.rows.append([("text", name), ("text", why), ("percent", None), ("gain", None)])
        else:
            table.rows.append([("text", name), ("count", row.n), ("percent", row.average), ("gain", row.gain)])
    return table


def student_table(rows, language: str) -> Table:
    table = Table(
        "student",
        _("Attempts"),
        [_("Date"), _("Lesson"), _("Kind"), _("Score"), _("Language")],
    )
    for attempt in rows:
        kind = _("Test before reading") if attempt.kind == "pre" else _("Quiz")
        table.rows.append(
            [
                ("text", format_datetime(attempt.submitted_at, "short")),
                ("text", localized(attempt.version.texts, language).title),
                ("text", kind),
                ("percent", attempt.percent),
                ("text", language_autonym(attempt.locale)),
            ]
        )
        table.links.append(str(attempt.id))
    return table
