"""Accounts for the web app: users, roles, passwords, two-factor codes, sessions and API tokens.

The core of signing in lives here, without FastAPI, so that the CLI (``nigehban users ...``), the
web app and the tests share it. Passwords are hashed with argon2 (argon2-cffi); two-factor codes
are TOTP (pyotp) with replay protection; sessions and API tokens are random tokens of which only
the SHA-256 is stored.
"""

from __future__ import annotations

from nigehban.auth.accounts import (
    AccountError,
    LoginThrottled,
    User,
    UserNotFound,
    authenticate,
    create_user,
    find_user,
    list_users,
    set_password,
    totp_enrol,
    totp_verify,
    update_user,
)
from nigehban.auth.roles import PERMISSIONS, ROLES, Permission, Role, permissions_of
from nigehban.auth.sessions import (
    Principal,
    create_api_token,
    end_session,
    principal_for_session,
    principal_for_token,
    revoke_api_token,
    start_session,
)

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "AccountError",
    "LoginThrottled",
    "Permission",
    "Principal",
    "Role",
    "User",
    "UserNotFound",
    "authenticate",
    "create_api_token",
    "create_user",
    "end_session",
    "find_user",
    "list_users",
    "permissions_of",
    "principal_for_session",
    "principal_for_token",
    "revoke_api_token",
    "set_password",
    "start_session",
    "totp_enrol",
    "totp_verify",
    "update_user",
]
