"""Class reports: who learned what, the gain from pre- to post-test, which safety messages
are misunderstood, item statistics, progress over time and group aggregates.

`load_class` reads everything a report needs in a fixed number of queries, whatever the
class size; the functions after it compute from that data only.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, tzinfo

from ..extensions import db
from ..models import Attempt, Classroom, Lesson, LessonVersion, Membership, Question, Response, SafetyMessage, User
from . import catalogue
from .accounts import PROFILE_CHOICES
from .content import published_lessons
from .progress import AttemptRow, LessonProgress, computed_once, lesson_progress, select_attempt_rows
from .statistics import ItemStatistics, item_statistics, mean

MIN_GROUP = 5
PROFILE_FIELDS = ("age_group", "gender", "disability")


@dataclass
class StudentRow:
    membership: Membership
    lessons: list[LessonProgress]

    @computed_once
    def started(self) -> bool:
        return any(row.attempts for row in self.lessons)

    @computed_once
    def average(self) -> float | None:
        return mean([row.best for row in self.lessons if row.best is not None])


@dataclass
class ClassData:
    classroom: Classroom
    lessons: list[Lesson]
    students: list[StudentRow]
    attempts: list[AttemptRow]
    versions: dict[int, LessonVersion]
    marks: dict[int, dict[int, float]]  # attempt id → question id → mark
    questions: dict[int, Question]
    messages: list[SafetyMessage]
    mastery: int


def class_stamp(classroom: Classroom) -> tuple:
    """Changes whenever anything a class report shows may have: an attempt (their count,
    largest id and sum of ids, so a deleted and a new attempt do not cancel out), a student
    joining, leaving or with another profile, a renamed class, published content. A report
    is cached by this."""
    attempts = (
        db.select(db.func.count(Attempt.id), db.func.max(Attempt.id), db.func.sum(Attempt.id))
        .join(Membership, Membership.user_id == Attempt.user_id)
        .where(Membership.classroom_id == classroom.id)
    )
    members = (
        db.select(
            Membership.id,
            Membership.joined_at,
            Membership.display_name,
            User.id,
            User.created_at,  # a new student, even where SQLite gave out a deleted one's id again
            User.age_group,
            User.gender,
            User.disability,
        )
        .join(User, User.id == Membership.user_id)
        .where(Membership.classroom_id == classroom.id)
        .order_by(Membership.id)
    )
    people = hashlib.sha256(repr(db.session.execute(members).all()).encode()).hexdigest()
    return (*db.session.execute(attempts).one(), people, classroom.name, catalogue.stamp())


def load_class(classroom: Classroom, mastery: int, with_marks: bool = True) -> ClassData:
    members = list(
        db.session.scalars(
            db.select(Membership)
            .where(Membership.classroom_id == classroom.id)
            .options(db.joinedload(Membership.user))
            .order_by(Membership.name_key)
        )
    )
    member_ids = db.select(Membership.user_id).where(Membership.classroom_id == classroom.id)
    lessons = published_lessons()
    attempts = [
        AttemptRow(*row) for row in db.session.execute(select_attempt_rows().where(Attempt.user_id.in_(member_ids)))
    ]
    versions = {
        v.id: v
        for v in db.session.scalars(
            db.select(LessonVersion)
            .where(LessonVersion.id.in_(db.select(Attempt.version_id).where(Attempt.user_id.in_(member_ids))))
            .options(db.joinedload(LessonVersion.lesson))
        ).unique()
    }
    by_user = defaultdict(list)
    for attempt in attempts:
        by_user[attempt.user_id].append(attempt)
    students = [StudentRow(m, lesson_progress(lessons, by_user[m.user_id], mastery)) for m in members]
    marks: dict[int, dict[int, float]] = defaultdict(dict)
    questions: dict[int, Question] = {}
    if with_marks:
        rows = db.session.execute(
            db.select(Response.attempt_id, Response.question_id, Response.mark)
            .join(Attempt, Response.attempt_id == Attempt.id)
            .where(Attempt.user_id.in_(member_ids))
        )
        for attempt_id, question_id, mark in rows:
            marks[attempt_id][question_id] = mark
        if versions:
            questions = {
                q.id: q for q in db.session.scalars(db.select(Question).where(Question.version_id.in_(list(versions))))
            }
    messages = list(db.session.scalars(db.select(SafetyMessage).order_by(SafetyMessage.number)))
    return ClassData(classroom, lessons, students, attempts, versions, marks, questions, messages, mastery)


@dataclass
class LessonSummary:
    lesson: Lesson
    average_best: float | None
    n_started: int
    n_mastered: int
    pre: float | None
    n_pre: int
    latest: float | None
    n_latest: int
    gain: float | None
    n_gain: int


def _summary(lesson: Lesson | None, rows: list) -> LessonSummary:
    """Means over `rows`, each a LessonProgress (or anything with the same figures)."""
    started = [r for r in rows if r.best is not None]
    pres = [r.pretest for r in rows if r.pretest is not None]
    after = [r.latest_after_reading for r in rows if r.latest_after_reading is not None]
    gains = [r.gain for r in rows if r.gain is not None]
    return LessonSummary(
        lesson,
        mean([r.best for r in started]),
        len(started),
        sum(1 for r in started if r.mastered),
        mean(pres),
        len(pres),
        mean(after),
        len(after),
        mean(gains),
        len(gains),
    )


def lesson_summaries(data: ClassData) -> list[LessonSummary]:
    """Per lesson: the class average of best scores; the mean score before reading, the
    mean latest score after reading and the mean gain, each over the students who have it."""
    return [
        _summary(lesson, [student.lessons[index] for student in data.students])
        for index, lesson in enumerate(data.lessons)
    ]


@dataclass
class StudentFigures:
    """One student's figures averaged over their lessons, so a class total counts
    each student once."""

    best: float | None
    pretest: float | None
    latest_after_reading: float | None
    gain: float | None
    mastered: bool = False


def class_gain(data: ClassData) -> LessonSummary:
    """All lessons together: each student's mean over their lessons, then the class mean."""
    rows = []
    for student in data.students:
        lessons = student.lessons
        rows.append(
            StudentFigures(
                mean([r.best for r in lessons if r.best is not None]),
                mean([r.pretest for r in lessons if r.pretest is not None]),
                mean([r.latest_after_reading for r in lessons if r.latest_after_reading is not None]),
                mean([r.gain for r in lessons if r.gain is not None]),
            )
        )
    return _summary(None, rows)


def sort_students(data: ClassData, key: str, descending: bool) -> list[StudentRow]:
    """Sort by name, by the best score in one lesson (its slug) or by the average;
    students without a score come last either way."""
    if key != "average" and key not in {lesson.slug for lesson in data.lessons}:
        return sorted(data.students, key=lambda s: s.membership.name_key, reverse=descending)
    index = next((i for i, lesson in enumerate(data.lessons) if lesson.slug == key), None)

    def score(student: StudentRow) -> float | None:
        return student.average if index is None else student.lessons[index].best

    scored = [s for s in data.students if score(s) is not None]
    unscored = [s for s in data.students if score(s) is None]
    return sorted(scored, key=score, reverse=descending) + unscored


@dataclass
class MessageShare:
    message: SafetyMessage
    marks: list[float] = field(default_factory=list)
    students: set[int] = field(default_factory=set)

    @property
    def percent(self) -> float | None:
        return 100.0 * sum(self.marks) / len(self.marks) if self.marks else None


def latest_attempts(attempts: list[AttemptRow]) -> list[AttemptRow]:
    """The latest attempt of each learner at each lesson."""
    latest: dict[tuple[int, int], AttemptRow] = {}
    for attempt in attempts:
        latest[(attempt.user_id, attempt.lesson_id)] = attempt
    return list(latest.values())


def message_shares(data: ClassData) -> list[MessageShare]:
    """Per safety message, the share of marks earned on its questions in every learner's
    latest attempt at each lesson; worst first, unanswered last."""
    shares = {m.id: MessageShare(m) for m in data.messages}
    for attempt in latest_attempts(data.attempts):
        for question_id, mark in data.marks.get(attempt.id, {}).items():
            message_id = data.questions[question_id].message_id
            if message_id in shares:
                shares[message_id].marks.append(mark)
                shares[message_id].students.add(attempt.user_id)
    return sorted(shares.values(), key=lambda s: (s.percent is None, s.percent or 0, s.message.number))


@dataclass
class ItemRow:
    lesson: Lesson
    version: LessonVersion
    question: Question
    stats: ItemStatistics


def item_rows(data: ClassData) -> list[ItemRow]:
    """Facility and discrimination of every question, over each learner's first attempt at
    its lesson, per lesson version (a new version starts new statistics)."""
    first: dict[tuple[int, int], AttemptRow] = {}
    for attempt in data.attempts:
        first.setdefault((attempt.user_id, attempt.lesson_id), attempt)
    by_version: dict[int, list[AttemptRow]] = defaultdict(list)
    for attempt in first.values():
        by_version[attempt.version_id].append(attempt)
    per_version = defaultdict(list)
    for question in data.questions.values():
        per_version[question.version_id].append(question)
    rows = []
    for version_id, attempts in by_version.items():
        version = data.versions[version_id]
        totals = [attempt.score for attempt in attempts]
        for question in sorted(per_version[version_id], key=lambda q: q.position):
            marks = [data.marks[a.id].get(question.id, 0.0) for a in attempts]
            rows.append(ItemRow(version.lesson, version, question, item_statistics(marks, totals)))
    position = {lesson.id: index for index, lesson in enumerate(data.lessons)}
    rows.sort(key=lambda r: (position.get(r.lesson.id, len(position)), r.version.number, r.question.position))
    return rows


@dataclass
class DayPoint:
    day: date
    average: float
    attempts: int


def progress_over_time(data: ClassData, zone: tzinfo = UTC, limit: int = 30) -> list[DayPoint]:
    """The class's mean score per day with attempts (the last `limit` such days), the
    days counted in the time zone `zone` of the people reading it."""
    days: dict[date, list[float]] = defaultdict(list)
    for attempt in data.attempts:
        days[attempt.submitted_at.replace(tzinfo=UTC).astimezone(zone).date()].append(attempt.percent)
    return [DayPoint(day, mean(values), len(values)) for day, values in sorted(days.items())][-limit:]


@dataclass
class GroupRow:
    field: str
    value: str | None
    n: int
    average: float | None = None
    gain: float | None = None
    hidden: bool = False
    # Hidden only so that a smaller hidden group cannot be worked out from it.
    shields_smaller: bool = False


def group_rows(data: ClassData) -> dict[str, list[GroupRow]]:
    """Averages by age group, gender and disability. Every possible group is listed, so a
    hidden row never tells that someone gave that answer. A group of fewer than five
    students is hidden, and so is a mean of fewer than five students (the teacher sees each
    student's scores, so a mean of one would tell who is in the group). When that hides
    anyone in one group only, the same goes for the next smallest group too, so that no
    one's figures can be worked out from the rest."""
    result = {}
    for name in PROFILE_FIELDS:
        groups: dict[str, list[StudentRow]] = {value: [] for value in PROFILE_CHOICES[name]}
        for student in data.students:
            value = getattr(student.membership.user, name)
            groups[value if value in groups else "unsaid"].append(student)
        rows, scored, gained = [], [], []
        for value, students in groups.items():
            averages = [s.average for s in students if s.average is not None]
            gains = [[r.gain for r in s.lessons if r.gain is not None] for s in students]
            rows.append(GroupRow(name, value, len(students), mean(averages), mean([g for own in gains for g in own])))
            scored.append(len(averages))
            gained.append(sum(1 for own in gains if own))
        for row in _hidden_with_the_next([row.n for row in rows]):
            rows[row].hidden = True
            rows[row].shields_smaller = rows[row].n >= MIN_GROUP
        hidden = [row.hidden for row in rows]
        for row in _hidden_with_the_next(scored, hidden):
            rows[row].average = None
        for row in _hidden_with_the_next(gained, hidden):
            rows[row].gain = None
        result[name] = rows
    return result


def _hidden_with_the_next(counts: list[int], hidden: list[bool] | None = None) -> set[int]:
    """Which of the groups with these numbers of students behind a figure must not show it
    (`hidden`: those hidden already): each of fewer than five, and when that leaves out
    anyone in one group only, the smallest group still shown, so that the one left out
    cannot be worked out from the total."""
    hidden = hidden or [False] * len(counts)
    out = {i for i, count in enumerate(counts) if hidden[i] or count < MIN_GROUP}
    shown = sorted((i for i in range(len(counts)) if i not in out), key=lambda i: counts[i])
    if len([i for i in out if counts[i]]) == 1 and shown:
        out.add(shown[0])
    return out
