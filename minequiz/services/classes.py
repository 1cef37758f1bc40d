"""A teacher's classes and students: create, find with permission, codes, PINs, and the
privacy operations (export everything about a student, delete a student)."""

from ..extensions import db
from ..models import Attempt, Classroom, LessonVersion, Membership, Response, User
from . import accounts


def create_classroom(teacher: User, name: str) -> Classroom:
    classroom = Classroom(name=accounts.clean_name(name), teacher=teacher, join_code=accounts.new_join_code())
    db.session.add(classroom)
    db.session.flush()
    return classroom


def classes_for(user: User) -> list[Classroom]:
    query = (
        db.select(Classroom)
        .options(db.selectinload(Classroom.memberships), db.joinedload(Classroom.teacher))
        .order_by(Classroom.closed, Classroom.name)
    )
    if user.role != "admin":
        query = query.where(Classroom.teacher_id == user.id)
    return list(db.session.scalars(query))


def classroom_for(user: User, classroom_id: int) -> Classroom | None:
    """The class if `user` may see it: its teacher, or an admin."""
    classroom = db.session.get(Classroom, classroom_id)
    if classroom is None or (user.role != "admin" and classroom.teacher_id != user.id):
        return None
    return classroom


def membership_in(classroom: Classroom, membership_id: int) -> Membership | None:
    membership = db.session.get(Membership, membership_id)
    return membership if membership is not None and membership.classroom_id == classroom.id else None


def regenerate_code(classroom: Classroom) -> str:
    classroom.join_code = accounts.new_join_code()
    return classroom.join_code


def may_see_student(viewer: User, student_id: int) -> bool:
    """Admins see everyone; a teacher sees the students of their own classes."""
    if viewer.role == "admin":
        return True
    if viewer.role != "teacher":
        return False
    query = (
        db.select(Membership.id)
        .join(Classroom)
        .where(Membership.user_id == student_id, Classroom.teacher_id == viewer.id)
        .limit(1)
    )
    return db.session.scalar(query) is not None


def name_for(viewer: User, student: User) -> str | None:
    """The name a student has in one of the viewer's classes (any class for an admin)."""
    query = db.select(Membership.display_name).where(Membership.user_id == student.id).order_by(Membership.id)
    if viewer.role != "admin":
        query = query.join(Classroom).where(Classroom.teacher_id == viewer.id)
    return db.session.scalar(query.limit(1)) or student.display_name


def may_delete_student(viewer: User, student: User) -> bool:
    """A teacher may delete a student only if every class of theirs is the teacher's own."""
    if viewer.role == "admin":
        return True
    return bool(student.memberships) and all(m.classroom.teacher_id == viewer.id for m in student.memberships)


def delete_student(student: User) -> int:
    """Delete a student with all their attempts and memberships; returns attempts deleted."""
    attempt_ids = db.select(Attempt.id).where(Attempt.user_id == student.id)
    db.session.execute(db.delete(Response).where(Response.attempt_id.in_(attempt_ids)))
    deleted = db.session.execute(db.delete(Attempt).where(Attempt.user_id == student.id)).rowcount
    db.session.delete(student)
    db.session.flush()
    return deleted


def export_student(student: User, viewer: User) -> dict:
    """Everything stored about a student, as plain data (for a data-access request).

    An admin gets all of it. A teacher gets the student's results and their own classes,
    but not the self-reported profile (teachers see that only in groups of five or more)
    nor other teachers' classes."""
    is_admin = viewer.role == "admin"
    attempts = db.session.scalars(
        db.select(Attempt)
        .where(Attempt.user_id == student.id)
        .options(
            db.joinedload(Attempt.version).joinedload(LessonVersion.lesson),
            db.selectinload(Attempt.responses).selectinload(Response.question),
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    ).unique()
    return {
        "student": {
            "id": student.id,
            # A teacher gets the name from their own class, not one from another teacher's.
            "display_name": student.display_name if is_admin else name_for(viewer, student),
            "created_at": student.created_at.isoformat(),
            **(
                {"age_group": student.age_group, "gender": student.gender, "disability": student.disability}
                if is_admin
                else {}
            ),
        },
        "classes": [
            {"class": m.classroom.name, "name_in_class": m.display_name, "joined_at": m.joined_at.isoformat()}
            for m in student.memberships
            if is_admin or m.classroom.teacher_id == viewer.id
        ],
        "attempts": [
            {
                "lesson": a.version.lesson.slug,
                "lesson_version": a.version.number,
                "kind": a.kind,
                "language": a.locale,
                "started_at": a.started_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat(),
                "score": a.score,
                "max_score": a.max_score,
                "responses": [_export_response(r) for r in sorted(a.responses, key=lambda r: r.question.position)],
            }
            for a in attempts
        ],
    }


def _export_response(response: Response) -> dict:
    key_of = {choice.id: choice.key for choice in response.question.choices}
    return {
        "question": response.question.key,
        "chosen": [key_of.get(choice_id) for choice_id in response.answer],
        "mark": response.mark,
        "correct": response.correct,
    }
