"""Studio: lesson drafts with a save counter, history, images with alt text.

Revision ID: 451e475d98c2
Revises: af11f5908ca3
Create Date: 2026-11-24 19:01:49.936685

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "451e475d98c2"
down_revision = "af11f5908ca3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_image")),
        sa.UniqueConstraint("sha256", name=op.f("uq_image_sha256")),
    )
    op.create_table(
        "lesson_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], name=op.f("fk_lesson_change_lesson_id_lesson")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_lesson_change_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_change")),
    )
    with op.batch_alter_table("lesson_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_change_lesson_id"), ["lesson_id"], unique=False)

    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("lesson_text", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_alt", sa.Text(), server_default="", nullable=False))

    with op.batch_alter_table("lesson_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("image_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_lesson_version_image_id_image"), "image", ["image_id"], ["id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_lesson_version_created_by_id_user"), "user", ["created_by_id"], ["id"]
        )

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_question_image_id_image"), "image", ["image_id"], ["id"])

    with op.batch_alter_table("question_text", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_alt", sa.Text(), server_default="", nullable=False))

    with op.batch_alter_table("safety_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("safety_message", schema=None) as batch_op:
        batch_op.drop_column("revision")

    with op.batch_alter_table("question_text", schema=None) as batch_op:
        batch_op.drop_column("image_alt")

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_question_image_id_image"), type_="foreignkey")
        batch_op.drop_column("image_id")

    with op.batch_alter_table("lesson_version", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_lesson_version_created_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_lesson_version_image_id_image"), type_="foreignkey")
        batch_op.drop_column("image_id")
        batch_op.drop_column("created_by_id")

    with op.batch_alter_table("lesson_text", schema=None) as batch_op:
        batch_op.drop_column("image_alt")

    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("archived")
        batch_op.drop_column("revision")
        batch_op.drop_column("draft")

    with op.batch_alter_table("lesson_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_change_lesson_id"))

    op.drop_table("lesson_change")
    op.drop_table("image")
