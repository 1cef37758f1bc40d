"""Accounts: staff passwords, students who join a class with a code, a name and a PIN."""

import re
import secrets
import unicodedata

from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Attempt, Classroom, Membership, User
from ..models.user import AGE_GROUPS, DISABILITY, GENDERS, new_session_token

# Easy to read aloud and to type: no 0/O, 1/I/l.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
PIN = re.compile(r"[0-9]{4,6}")


def plain_digits(text: str) -> str:
    """Digits of any script (Arabic-Indic, full-width...) as 0-9, so that a PIN typed on
    one keyboard works when typed on another."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def pin_matches(pin_hash: str, pin: str) -> bool:
    """A PIN as typed, in any script's digits. One chosen before they were read as 0-9 was
    stored as typed, so it is also compared as typed."""
    plain = plain_digits(pin)
    return check_password_hash(pin_hash, plain) or (plain != pin and check_password_hash(pin_hash, pin))


USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
PROFILE_CHOICES = {"age_group": AGE_GROUPS, "gender": GENDERS, "disability": DISABILITY}
# Hashing something for a missing account too keeps both answers equally slow.
_DUMMY_HASH = generate_password_hash("not a real password")


class AccountError(Exception):
    """A refusal the user can understand; `reason` picks the message, `name` (if any) is
    the name it gives."""

    def __init__(self, reason: str, name: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.name = name


def normalise_code(text: str) -> str:
    """What was typed, read as a class code: spaces and dashes dropped, and anything that
    cannot be in a code (control characters included) removed."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())[: CODE_LENGTH * 2]


NAME_LENGTH = 40


def clean_name(name: str) -> str:
    """A name as stored and shown: NFKC, single spaces, and without invisible characters
    (zero-width spaces, direction overrides) that would let two names look alike."""
    visible = "".join(
        c for c in unicodedata.normalize("NFKC", name or "") if unicodedata.category(c) not in ("Cf", "Cc")
    )
    return " ".join(visible.split())


def name_key(name: str) -> str:
    return clean_name(name).casefold()


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(db.select(Classroom.id).where(Classroom.join_code == code)) is None:
            return code


def new_pin() -> str:
    return f"{secrets.randbelow(10**4):04d}"


def new_password() -> str:
    return secrets.token_urlsafe(9)


def end_sessions(user: User) -> None:
    """Every login cookie of this user stops working."""
    user.session_token = new_session_token()


def create_staff(username: str, password: str, role: str, display_name: str | None = None) -> User:
    username = username.strip().lower()
    if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
        raise AccountError("username-taken")
    user = User(
        username=username,
        display_name=clean_name(display_name or username),
        role=role,
        password_hash=generate_password_hash(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate_staff(username: str, password: str) -> User | None:
    username = (username or "").strip().lower()
    user = db.session.scalar(db.select(User).where(User.username == username)) if USERNAME.match(username) else None
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)
    end_sessions(user)


def open_classroom(code: str) -> Classroom:
    classroom = db.session.scalar(db.select(Classroom).where(Classroom.join_code == normalise_code(code)))
    if classroom is None:
        raise AccountError("unknown-code")
    if classroom.closed:
        raise AccountError("closed")
    return classroom


def join_class(code: str, name: str, pin: str, learner: User | None, profile: dict[str, str | None]) -> Membership:
    """Put a learner into a class. A learner without credentials becomes this student,
    keeping their attempts; a new person becomes a new student."""
    classroom = open_classroom(code)
    key = name_key(name)
    pin = pin or ""
    if not key or not PIN.fullmatch(plain_digits(pin)):
        raise AccountError("invalid")
    if len(clean_name(name)) > NAME_LENGTH or len(key) > 2 * NAME_LENGTH:
        raise AccountError("too-long")
    if learner is not None and learner.role != "student":
        raise AccountError("staff")
    if learner is not None:
        for membership in learner.memberships:
            if membership.classroom_id == classroom.id:  # named as in this class, not another
                raise AccountError("already-member", membership.display_name)
    taken = db.select(Membership.id).where(Membership.classroom_id == classroom.id, Membership.name_key == key)
    if db.session.scalar(taken) is not None:
        raise AccountError("name-taken")
    if learner is not None and learner.pin_hash is not None and not pin_matches(learner.pin_hash, pin):
        raise AccountError("pin-mismatch")
    student = learner or User(role="student")
    # The first name given stays the person's name; each class keeps its own in the membership.
    student.display_name = student.display_name or clean_name(name)
    student.pin_hash = student.pin_hash or generate_password_hash(plain_digits(pin))
    for field, allowed in PROFILE_CHOICES.items():
        value = profile.get(field)
        if value in allowed:
            setattr(student, field, value)
    membership = Membership(classroom=classroom, user=student, display_name=clean_name(name), name_key=key)
    db.session.add(membership)
    db.session.flush()
    return membership


def authenticate_student(code: str, name: str, pin: str) -> Membership | None:
    """The membership of the student with this name in the class with this code, if the
    PIN is theirs."""
    membership = db.session.scalar(
        db.select(Membership)
        .join(Classroom)
        .where(Classroom.join_code == normalise_code(code), Membership.name_key == name_key(name))
    )
    if membership is None or not membership.user.pin_hash:
        check_password_hash(_DUMMY_HASH, pin or "")
        return None
    user = membership.user
    if not pin_matches(user.pin_hash, pin or "") or not user.active:
        return None
    return membership


def merge_learner(source: User | None, target: User) -> int:
    """Give a credential-less learner's attempts on this device to the student who logged
    in, and forget the empty learner. Returns how many attempts moved."""
    if source is None or source.id == target.id or source.has_credentials:
        return 0
    moved = db.session.execute(
        db.update(Attempt).where(Attempt.user_id == source.id).values(user_id=target.id)
    ).rowcount
    db.session.delete(source)
    db.session.flush()
    return moved


def reset_pin(user: User) -> str:
    pin = new_pin()
    user.pin_hash = generate_password_hash(pin)
    end_sessions(user)
    return pin
