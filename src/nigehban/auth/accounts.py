"""Users and agencies, passwords (argon2), sign-in with throttling, and TOTP two-factor codes.

Functions take an open connection so that a caller decides the transaction; every change to an
account is written to the change log (entity ``user``), never with the password or secret itself.

>>> from sqlalchemy import create_engine
>>> from nigehban.store.schema import Base
>>> engine = create_engine("sqlite://")
>>> Base.metadata.create_all(engine)
>>> with engine.begin() as connection:
...     user = create_user(connection, "ayesha", role="analyst", password="correct horse battery", actor="admin")
...     signed_in = authenticate(connection, "ayesha", "correct horse battery", ip="127.0.0.1")
>>> (signed_in.name, signed_in.role, signed_in.has_totp)
('ayesha', 'analyst', False)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, CursorResult, func, insert, select, update

from nigehban.auth.roles import ROLES, Role
from nigehban.errors import NigehbanError
from nigehban.store.changelog import ChangeLogWriter
from nigehban.store.schema import AGENCIES, LOGIN_ATTEMPTS, USERS, utcnow

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "LoginThrottled",
    "ThrottleConfig",
    "User",
    "UserNotFound",
    "authenticate",
    "create_user",
    "find_user",
    "list_users",
    "set_password",
    "totp_enrol",
    "totp_verify",
    "update_user",
]

MIN_PASSWORD_LENGTH = 12
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()
# verified against when the account does not exist, so that a wrong name costs as long as a wrong password
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class AccountError(NigehbanError, ValueError):
    """An account cannot be created or changed as asked, or a sign-in failed."""


class UserNotFound(NigehbanError, LookupError):
    """No user of that name (or id)."""

    def __init__(self, key: str | int) -> None:
        self._arguments = (key,)
        super().__init__(f"no user {key!r}; `nigehban users list` shows the accounts")


class LoginThrottled(NigehbanError):
    """Too many failed sign-ins for an account or from an address; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int) -> None:
        self._arguments = (retry_after,)
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        super().__init__(f"too many failed sign-ins; try again in about {minutes} minute(s)")


@dataclasses.dataclass(frozen=True, slots=True)
class ThrottleConfig:
    """How many failed sign-ins are allowed in a window, per account and per address."""

    per_account: int = 5
    per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)


@dataclasses.dataclass(frozen=True, slots=True)
class User:
    """An account as the rest of the app sees it (never the hash or the TOTP secret)."""

    id: int
    name: str
    role: Role
    full_name: str | None
    agency: str | None
    active: bool
    has_totp: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        data = dataclasses.asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["last_login_at"] = self.last_login_at.isoformat() if self.last_login_at else None
        return data


def _user(row: Any, agency: str | None) -> User:
    return User(
        id=row.id,
        name=row.name,
        role=row.role,
        full_name=row.full_name,
        agency=agency,
        active=row.active,
        has_totp=row.totp_secret is not None,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def _select_users() -> Any:
    return select(USERS, AGENCIES.c.name.label("agency_name")).outerjoin(AGENCIES, USERS.c.agency_id == AGENCIES.c.id)


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT made."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def find_user(connection: Connection, key: str | int) -> User:
    """The user of that name (or id); :class:`UserNotFound` otherwise."""
    column = USERS.c.id if isinstance(key, int) else USERS.c.name
    row = connection.execute(_select_users().where(column == key)).first()
    if row is None:
        raise UserNotFound(key)
    return _user(row, row.agency_name)


def list_users(connection: Connection) -> list[User]:
    """Every account, by name."""
    rows = connection.execute(_select_users().order_by(USERS.c.name)).all()
    return [_user(row, row.agency_name) for row in rows]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters (a passphrase is easiest)")
    if password.strip() != password:
        raise AccountError("a password may not start or end with spaces")


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
    return role


def _agency_id(connection: Connection, agency: str | None) -> int | None:
    if agency is None or not agency.strip():
        return None
    name = agency.strip()
    found = connection.execute(select(AGENCIES.c.id).where(AGENCIES.c.name == name)).scalar()
    if found is not None:
        return int(found)
    return new_id(connection.execute(insert(AGENCIES).values(name=name, created_at=utcnow())))


def create_user(
    connection: Connection,
    name: str,
    *,
    role: str,
    password: str,
    full_name: str | None = None,
    agency: str | None = None,
    actor: str,
) -> User:
    """Create an account. Names are lower-case letters, digits, ``.``, ``_`` and ``-`` (2-64)."""
    if not _NAME.match(name):
        raise AccountError(
            f"user name {name!r} is not allowed: 2-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    checked_role = _check_role(role)
    _check_password(password)
    if connection.execute(select(USERS.c.id).where(USERS.c.name == name)).first() is not None:
        raise AccountError(f"a user {name!r} exists already")
    now = utcnow()
    user_id = new_id(
        connection.execute(
            insert(USERS).values(
                name=name,
                full_name=full_name,
                agency_id=_agency_id(connection, agency),
                role=checked_role,
                password_hash=_HASHER.hash(password),
                active=True,
                created_at=now,
                updated_at=now,
            )
        )
    )
    log = ChangeLogWriter(connection, actor=actor)
    log.add("user", user_id, "create", after={"name": name, "role": checked_role, "agency": agency})
    log.flush()
    return find_user(connection, user_id)


def update_user(
    connection: Connection,
    name: str,
    *,
    role: str | None = None,
    active: bool | None = None,
    full_name: str | None = None,
    agency: str | None = None,
    actor: str,
    note: str | None = None,
) -> User:
    """Change an account's role, agency, name or whether it may sign in (disabling ends its sessions)."""
    from nigehban.auth.sessions import end_sessions_of

    user = find_user(connection, name)
    changes: dict[str, Any] = {}
    if role is not None and role != user.role:
        changes["role"] = _check_role(role)
    if active is not None and active != user.active:
        changes["active"] = active
    if full_name is not None and full_name != user.full_name:
        changes["full_name"] = full_name
    values = dict(changes)
    if agency is not None and agency != user.agency:
        changes["agency"] = agency
        values["agency_id"] = _agency_id(connection, agency)
    if not changes:
        return user
    connection.execute(update(USERS).where(USERS.c.id == user.id).values(**values, updated_at=utcnow()))
    before = {key: getattr(user, key) for key in changes}
    log = ChangeLogWriter(connection, actor=actor)
    log.add("user", user.id, "edit", before=before, after=changes, note=note)
    log.flush()
    if changes.get("active") is False or "role" in changes:
        end_sessions_of(connection, user.id)
    return find_user(connection, user.id)


def set_password(connection: Connection, name: str, password: str, *, actor: str) -> User:
    """Set a new password; the account's sessions end (every browser signs in again)."""
    from nigehban.auth.sessions import end_sessions_of

    user = find_user(connection, name)
    _check_password(password)
    connection.execute(
        update(USERS).where(USERS.c.id == user.id).values(password_hash=_HASHER.hash(password), updated_at=utcnow())
    )
    log = ChangeLogWriter(connection, actor=actor)
    log.add("user", user.id, "password")
    log.flush()
    end_sessions_of(connection, user.id)
    return user


def _failures_since(connection: Connection, column: Any, value: str, since: dt.datetime) -> list[dt.datetime]:
    rows = connection.execute(
        select(LOGIN_ATTEMPTS.c.at)
        .where(column == value, LOGIN_ATTEMPTS.c.success.is_(False), LOGIN_ATTEMPTS.c.at >= since)
        .order_by(LOGIN_ATTEMPTS.c.at)
    ).all()
    return [row.at for row in rows]


def _check_throttle(
    connection: Connection, name: str, ip: str | None, config: ThrottleConfig, now: dt.datetime
) -> None:
    since = now - config.window
    # failures since the account's last success count; a success resets the account's counter
    last_success = connection.execute(
        select(func.max(LOGIN_ATTEMPTS.c.at)).where(LOGIN_ATTEMPTS.c.name == name, LOGIN_ATTEMPTS.c.success.is_(True))
    ).scalar()
    account_since = max(since, last_success) if last_success is not None else since
    checks = [(LOGIN_ATTEMPTS.c.name, name, config.per_account, account_since)]
    if ip is not None:
        checks.append((LOGIN_ATTEMPTS.c.ip, ip, config.per_address, since))
    for column, value, limit, start in checks:
        failures = _failures_since(connection, column, value, start)
        if len(failures) >= limit:
            # the window frees up when the oldest failure that counts falls out of it
            retry_after = failures[-limit] + config.window - now
            raise LoginThrottled(max(1, int(retry_after.total_seconds()) + 1))


def authenticate(
    connection: Connection,
    name: str,
    password: str,
    *,
    ip: str | None,
    throttle: ThrottleConfig | None = None,
    now: dt.datetime | None = None,
) -> User:
    """Check a name and password; every attempt is recorded.

    Raises :class:`LoginThrottled` after too many failures (checked before the password, so a
    throttled account cannot be probed), and :class:`AccountError` with one message for a wrong
    name, a wrong password and a disabled account alike.
    """
    config = throttle or ThrottleConfig()
    now = now or utcnow()
    name = name.strip().lower()[:64]
    _check_throttle(connection, name, ip, config, now)
    row = connection.execute(select(USERS).where(USERS.c.name == name)).first()
    ok = False
    try:
        ok = _HASHER.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and row is not None and row.active
    connection.execute(insert(LOGIN_ATTEMPTS).values(name=name, ip=ip, success=ok, at=now))
    if not ok or row is None:
        raise AccountError("wrong user name or password, or the account is disabled")
    values: dict[str, Any] = {"last_login_at": now}
    if _HASHER.check_needs_rehash(row.password_hash):
        values["password_hash"] = _HASHER.hash(password)
    connection.execute(update(USERS).where(USERS.c.id == row.id).values(**values))
    return find_user(connection, int(row.id))


def totp_enrol(connection: Connection, name: str, *, actor: str) -> tuple[str, str]:
    """Give an account a new TOTP secret; returns ``(secret, otpauth URI)`` to put in an authenticator app.

    From then on signing in asks for a code. The secret is shown once; enrolling again replaces it.
    """
    user = find_user(connection, name)
    secret = pyotp.random_base32()
    connection.execute(
        update(USERS).where(USERS.c.id == user.id).values(totp_secret=secret, totp_last_step=None, updated_at=utcnow())
    )
    log = ChangeLogWriter(connection, actor=actor)
    log.add("user", user.id, "totp_enrol")
    log.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.name, issuer_name="Nigehban")
    return secret, uri


def totp_verify(connection: Connection, user_id: int, code: str, *, now: dt.datetime | None = None) -> bool:
    """Check a six-digit code (this 30-second step or the one either side, for clock drift).

    A code is accepted once: the step it belongs to is stored and that step and every earlier one
    are refused afterwards (a code seen over a shoulder or replayed from a log does not work).
    """
    row = connection.execute(select(USERS.c.totp_secret, USERS.c.totp_last_step).where(USERS.c.id == user_id)).first()
    if row is None or row.totp_secret is None:
        return False
    code = code.strip().replace(" ", "")
    if not re.fullmatch(r"\d{6}", code):
        return False
    totp = pyotp.TOTP(row.totp_secret)
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    step_now = totp.timecode(moment)
    for step in (step_now - 1, step_now, step_now + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            # accepted only if no code of this step or a later one was used before (atomic)
            result = connection.execute(
                update(USERS)
                .where(USERS.c.id == user_id)
                .where((USERS.c.totp_last_step.is_(None)) | (USERS.c.totp_last_step < step))
                .values(totp_last_step=step)
            )
            return result.rowcount == 1
    return False
