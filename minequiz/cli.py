"""Command-line tools: `flask --app minequiz content load` and `translate ...`."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from .extensions import cache, db
from .i18n import is_language
from .services import accounts, backup, content_files

content_cli = AppGroup("content", help="Load the built-in lessons.")
user_cli = AppGroup("user", help="Create staff accounts.")
translate_cli = AppGroup("translate", help="Extract, update and compile UI translations.")
backup_cli = AppGroup("backup", help="All data to one file, and back into an empty database.")
ROOT = Path(__file__).resolve().parent.parent


@content_cli.command("load")
@click.option(
    "--path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=content_files.CONTENT_DIR,
    show_default=True,
    help="Folder with messages.toml and lessons/.",
)
def load_content(path: Path) -> None:
    """Load the lessons into the database; running it again changes nothing."""
    languages = current_app.config["LANGUAGES"]
    labels = {"true": {}, "false": {}}
    for language in languages:
        with force_locale(language):
            labels["true"][language] = _("True")
            labels["false"][language] = _("False")
    try:
        report = content_files.load(labels, path, languages)
        db.session.commit()
    except content_files.ContentError as error:
        db.session.rollback()
        click.echo("Content not loaded; nothing was changed:", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    click.echo(
        f"In {', '.join(report.languages)}: {report.messages} safety messages; lessons: {len(report.created)} new, "
        f"{len(report.updated)} with a new version, {len(report.unchanged)} unchanged."
    )
    if report.kept:
        click.echo(f"Changed in the studio, so their files were not loaded: {', '.join(report.kept)}.")


@user_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["teacher", "editor", "admin"]), required=True)
@click.option("--display-name", default=None, help="The name shown on pages (default: NAME).")
def create_user(name: str, role: str, display_name: str | None) -> None:
    """Create a staff account. The password is asked twice (or read from standard input
    when piped), never taken as an argument."""
    if not accounts.USERNAME.match(name):
        raise click.ClickException("A username is 2 to 64 letters, digits, dots, dashes or underscores.")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password.strip()) < 10:
        raise click.ClickException("The password needs at least 10 characters (not counting spaces at the ends).")
    try:
        accounts.create_staff(name, password, role, display_name)
        db.session.commit()
    except accounts.AccountError:
        db.session.rollback()
        raise click.ClickException(f"There is already an account called {name!r}.") from None
    click.echo(f"Created {role} {name.strip().lower()!r}.")


# How UI strings are found: babel.cfg's files, and the lazy_gettext aliases used in forms.
EXTRACT_OPTIONS = ("-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "-k", "N_")
SOURCE_LANGUAGE = "en"


def message_key(message) -> str:
    """A catalogue entry's msgid (the singular, for a plural entry)."""
    return message.id if isinstance(message.id, str) else message.id[0]


def is_translated(message) -> bool:
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return all(strings) and not message.fuzzy


def _pybabel(*args: str) -> None:
    """Babel's own command line, in this process."""
    from babel.messages.frontend import CommandLineInterface

    if CommandLineInterface().run(["pybabel", "-q", *args]):
        raise click.ClickException(f"pybabel {args[0]} failed")


def _folder() -> Path:
    """The app's translations folder (the first, if several are configured)."""
    return Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])


def _update() -> None:
    pot = str(_folder() / "messages.pot")
    _pybabel("update", "-i", pot, "-d", str(_folder()), "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("extract")
def extract() -> None:
    """Extract UI strings into messages.pot and update every catalogue from it."""
    pot = str(_folder() / "messages.pot")
    _pybabel("extract", *EXTRACT_OPTIONS, "--no-location", "--sort-output", "-o", pot, str(ROOT / "minequiz"))
    _update()


@translate_cli.command("update")
def update() -> None:
    """Update every catalogue from messages.pot (new strings empty, gone strings dropped)."""
    _update()


@translate_cli.command("init")
@click.argument("language")
def init(language: str) -> None:
    """Start a catalogue for a new language (such as sw or uk): translate it, compile it,
    and the app has that language, with its texts to write in the studio."""
    if not is_language(language):
        raise click.ClickException(f"{language!r} is not a language code Babel knows.")
    if (_folder() / language / "LC_MESSAGES" / "messages.po").exists():
        raise click.ClickException(f"There is a {language!r} catalogue already; use 'translate update'.")
    _pybabel("init", "-i", str(_folder() / "messages.pot"), "-d", str(_folder()), "-l", language)
    click.echo(f"Created {_folder() / language / 'LC_MESSAGES' / 'messages.po'}.")


@translate_cli.command("compile")
def compile_catalogues() -> None:
    """Compile the catalogues (the .mo files are built, not committed)."""
    _pybabel("compile", "-d", str(_folder()))


@translate_cli.command("coverage")
def coverage() -> None:
    """List the UI strings each catalogue has not translated yet; fails if there are any."""
    from babel.messages.pofile import read_po

    missing_total = 0
    for po in sorted(_folder().glob("*/LC_MESSAGES/messages.po")):
        language = po.parent.parent.name
        with open(po, "rb") as handle:
            catalogue = read_po(handle, locale=language)
        total = sum(1 for m in catalogue if m.id)
        # The source language's msgids are its text: only fuzzy entries are missing there.
        missing = [m for m in catalogue if m.id and (m.fuzzy if language == SOURCE_LANGUAGE else not is_translated(m))]
        click.echo(f"{language}: {total - len(missing)} of {total} translated")
        for message in missing:
            click.echo(f"  - {message_key(message)}")
        missing_total += len(missing)
    if missing_total:
        sys.exit(1)


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_backup(file: Path) -> None:
    """Write every account, class, lesson, version, picture and attempt to FILE (gzip)."""
    counts = backup.create(file)
    click.echo(f"Wrote {sum(counts.values())} rows to {file}: " + _counted(counts))


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_backup(file: Path) -> None:
    """Restore FILE into an empty database, then migrate it to the current schema."""
    from flask_migrate import upgrade

    try:
        header = backup.read_header(file)
        backup.migrate_to(header["schema"])
        counts = backup.restore(file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    upgrade()
    cache.clear()  # pages kept for the database as it was before
    click.echo(f"Restored {sum(counts.values())} rows from {file}: " + _counted(counts))


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items() if count)


def register_cli(app: Flask) -> None:
    app.cli.add_command(backup_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(user_cli)
