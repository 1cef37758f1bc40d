"""Initial schema: users, versioned bilingual content, attempts and responses.

Revision ID: ddce4c0c39d1
Revises:
Create Date: 2026-11-23 19:26:37.994648

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "ddce4c0c39d1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson")),
        sa.UniqueConstraint("slug", name=op.f("uq_lesson_slug")),
    )
    op.create_table(
        "safety_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_message")),
        sa.UniqueConstraint("key", name=op.f("uq_safety_message_key")),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('student', 'teacher', 'editor', 'admin')", name=op.f("ck_user_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
    )
    op.create_table(
        "lesson_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], name=op.f("fk_lesson_version_lesson_id_lesson")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_version")),
        sa.UniqueConstraint("lesson_id", "number", name="uq_lesson_version_number"),
    )
    with op.batch_alter_table("lesson_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_version_lesson_id"), ["lesson_id"], unique=False)

    # lesson and lesson_version refer to each other: the second key comes once both exist.
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_lesson_published_version", "lesson_version", ["published_version_id"], ["id"])

    op.create_table(
        "safety_message_text",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["safety_message.id"], name=op.f("fk_safety_message_text_message_id_safety_message")
        ),
        sa.PrimaryKeyConstraint("message_id", "locale", name=op.f("pk_safety_message_text")),
    )
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("client_token", sa.String(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('pre', 'post')", name=op.f("ck_attempt_kind")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_attempt_user_id_user")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["lesson_version.id"], name=op.f("fk_attempt_version_id_lesson_version")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt")),
        sa.UniqueConstraint("client_token", name=op.f("uq_attempt_client_token")),
    )
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempt_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attempt_version_id"), ["version_id"], unique=False)

    op.create_table(
        "lesson_text",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["lesson_version.id"], name=op.f("fk_lesson_text_version_id_lesson_version")
        ),
        sa.PrimaryKeyConstraint("version_id", "locale", name=op.f("pk_lesson_text")),
    )
    op.create_table(
        "lesson_version_message",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["safety_message.id"], name=op.f("fk_lesson_version_message_message_id_safety_message")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["lesson_version.id"], name=op.f("fk_lesson_version_message_version_id_lesson_version")
        ),
        sa.PrimaryKeyConstraint("version_id", "message_id", name=op.f("pk_lesson_version_message")),
    )
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('single', 'multiple', 'truefalse', 'order')", name=op.f("ck_question_kind")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["safety_message.id"], name=op.f("fk_question_message_id_safety_message")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["lesson_version.id"], name=op.f("fk_question_version_id_lesson_version")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
        sa.UniqueConstraint("version_id", "key", name="uq_question_version_key"),
    )
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_version_id"), ["version_id"], unique=False)

    op.create_table(
        "choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"], name=op.f("fk_choice_question_id_question")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choice")),
        sa.UniqueConstraint("question_id", "key", name="uq_choice_question_key"),
    )
    with op.batch_alter_table("choice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_choice_question_id"), ["question_id"], unique=False)

    op.create_table(
        "question_text",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"], name=op.f("fk_question_text_question_id_question")),
        sa.PrimaryKeyConstraint("question_id", "locale", name=op.f("pk_question_text")),
    )
    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("mark", sa.Double(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"], name=op.f("fk_response_attempt_id_attempt")),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"], name=op.f("fk_response_question_id_question")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        sa.UniqueConstraint("attempt_id", "question_id", name="uq_response_attempt_question"),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_attempt_id"), ["attempt_id"], unique=False)

    op.create_table(
        "choice_text",
        sa.Column("choice_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["choice_id"], ["choice.id"], name=op.f("fk_choice_text_choice_id_choice")),
        sa.PrimaryKeyConstraint("choice_id", "locale", name=op.f("pk_choice_text")),
    )


def downgrade():
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_constraint("fk_lesson_published_version", type_="foreignkey")
    op.drop_table("choice_text")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_attempt_id"))

    op.drop_table("response")
    op.drop_table("question_text")
    with op.batch_alter_table("choice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_choice_question_id"))

    op.drop_table("choice")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_version_id"))

    op.drop_table("question")
    op.drop_table("lesson_version_message")
    op.drop_table("lesson_text")
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_version_id"))
        batch_op.drop_index(batch_op.f("ix_attempt_user_id"))

    op.drop_table("attempt")
    op.drop_table("safety_message_text")
    with op.batch_alter_table("lesson_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_version_lesson_id"))

    op.drop_table("lesson_version")
    op.drop_table("user")
    op.drop_table("safety_message")
    op.drop_table("lesson")
