"""``nigehban users ...``: web accounts (:mod:`nigehban.auth`). Only someone with the store can run these."""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer
from rich.table import Table

from nigehban.auth.accounts import AccountError
from nigehban.cli.common import err_console, get_app, out_console, print_json
from nigehban.errors import InvalidFieldValue

__all__ = ["register"]

users_app = typer.Typer(help="Web accounts: create users, set roles and passwords, two-factor codes, API tokens.")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin (for scripts) instead of a prompt."
    ),
]

# words for generated passphrases: short, distinct, easy to type on a phone
_WORDS = [
    "amber",
    "anchor",
    "apple",
    "arrow",
    "aspen",
    "badge",
    "basin",
    "beacon",
    "birch",
    "blade",
    "bloom",
    "bridge",
    "brook",
    "canal",
    "cedar",
    "chalk",
    "cliff",
    "cloud",
    "clover",
    "comet",
    "coral",
    "crane",
    "creek",
    "delta",
    "dune",
    "eagle",
    "ember",
    "falcon",
    "fern",
    "field",
    "flint",
    "forest",
    "garnet",
    "glacier",
    "granite",
    "harbor",
    "hazel",
    "heron",
    "hollow",
    "indigo",
    "island",
    "ivory",
    "jasmine",
    "juniper",
    "kestrel",
    "lagoon",
    "lantern",
    "lemon",
    "lotus",
    "maple",
    "marble",
    "meadow",
    "mesa",
    "mint",
    "monsoon",
    "moss",
    "nectar",
    "oasis",
    "ocean",
    "olive",
    "onyx",
    "orchid",
    "otter",
    "pearl",
    "pebble",
    "pepper",
    "pine",
    "plume",
    "prairie",
    "quartz",
    "quill",
    "raven",
    "reef",
    "ridge",
    "river",
    "saffron",
    "sage",
    "sapphire",
    "shore",
    "sierra",
    "silver",
    "slate",
    "spruce",
    "summit",
    "swift",
    "tamarind",
    "thistle",
    "timber",
    "topaz",
    "trail",
    "tulip",
    "valley",
    "velvet",
    "walnut",
    "willow",
    "zephyr",
]


def generate_passphrase(words: int = 5) -> str:
    """A random passphrase of ``words`` words (about 7 bits each) and two digits."""
    chosen = [secrets.choice(_WORDS) for _ in range(words)]
    return "-".join(chosen) + f"-{secrets.randbelow(100):02d}"


def _read_password(password_stdin: bool, *, confirm: bool = True) -> str:
    if password_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise AccountError("no password on stdin")
        return line.rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return password


@users_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name (lower-case letters, digits, '.', '_', '-').")],
    role: Annotated[str, typer.Option("--role", help="admin, analyst, auditor or viewer.", show_default=False)],
    agency: Annotated[str | None, typer.Option("--agency", help="The user's agency (e.g. 'CTD KP').")] = None,
    full_name: Annotated[str | None, typer.Option("--full-name", help="The person's name, for the record.")] = None,
    password_stdin: PasswordStdin = False,
    generate_password: Annotated[
        bool, typer.Option("--generate-password", help="Make a random passphrase and print it once.")
    ] = False,
    exist_ok: Annotated[
        bool, typer.Option("--exist-ok", help="If the user exists already, say so and change nothing.")
    ] = False,
) -> None:
    """Create a web account. The password comes from a prompt, from stdin, or is generated."""
    app = get_app(ctx)
    if exist_ok and any(user.name == name for user in app.users()):
        err_console().print(f"user {name} exists already; nothing changed (`nigehban users password {name}` resets it)")
        return
    password = generate_passphrase() if generate_password else _read_password(password_stdin)
    user = app.create_user(name, role=role, password=password, full_name=full_name, agency=agency)
    err_console().print(f"created {user.name} ({user.role}{', ' + user.agency if user.agency else ''})")
    if generate_password:
        out_console().print(f"password for {user.name}: {password}")


@users_app.command("list")
def list_users(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Every account with its role, agency, two-factor status and last sign-in."""
    if format not in ("table", "json"):
        raise InvalidFieldValue("--format", format, "use table or json")
    users = get_app(ctx).users()
    if format == "json":
        print_json([user.as_dict() for user in users])
        return
    table = Table(title=f"{len(users)} users")
    for column in ("name", "role", "agency", "full name", "2FA", "active", "last sign-in"):
        table.add_column(column)
    for user in users:
        table.add_row(
            user.name,
            user.role,
            user.agency or "",
            user.full_name or "",
            "yes" if user.has_totp else "no",
            "yes" if user.active else "DISABLED",
            user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never",
        )
    out_console().print(table)


@users_app.command("edit")
def edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str | None, typer.Option("--role", help="New role (ends the user's sessions).")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="New agency.")] = None,
    full_name: Annotated[str | None, typer.Option("--full-name", help="New full name.")] = None,
    disable: Annotated[bool, typer.Option("--disable", help="Refuse sign-in and end the sessions.")] = False,
    enable: Annotated[bool, typer.Option("--enable", help="Allow sign-in again.")] = False,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept in the change log).")] = None,
) -> None:
    """Change an account's role, agency or name, or disable / enable it."""
    if disable and enable:
        raise InvalidFieldValue("--disable/--enable", "both", "give one of them")
    active = False if disable else True if enable else None
    user = get_app(ctx).update_user(name, role=role, agency=agency, full_name=full_name, active=active, note=note)
    err_console().print(f"{user.name}: {user.role}, {'active' if user.active else 'disabled'}")


@users_app.command("password")
def password(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password (from a prompt or stdin); the user's sessions end."""
    get_app(ctx).set_password(name, _read_password(password_stdin))
    err_console().print(f"password of {name} changed; their browsers sign in again")


@users_app.command("totp")
def totp(ctx: typer.Context, name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Turn on two-factor sign-in: prints the secret and the otpauth URI for an authenticator app (once)."""
    secret, uri = get_app(ctx).enrol_totp(name)
    out_console().print(f"secret: {secret}\nuri:    {uri}")
    err_console().print("Enter the secret in an authenticator app; from now on signing in asks for its 6-digit code.")


@users_app.command("token")
def token(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name the token acts as.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "script",
) -> None:
    """Make an API token (``Authorization: Bearer TOKEN``); printed once, only its hash is stored."""
    out_console().print(get_app(ctx).create_api_token(name, label=label))


@users_app.command("tokens")
def tokens(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
) -> None:
    """A user's API tokens (id, label, created, last used, revoked)."""
    print_json(get_app(ctx).api_tokens(name))


@users_app.command("revoke-token")
def revoke_token(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="Token id (from `tokens`).")]
) -> None:
    """Revoke an API token."""
    get_app(ctx).revoke_api_token(token_id)
    err_console().print(f"token {token_id} revoked")
