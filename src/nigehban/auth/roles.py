"""Roles and what each may do. The API checks permissions; the pages only hide what is refused anyway.

- ``viewer``: reads the record, analysis, forecasts, facilities and risk.
- ``analyst``: a viewer who also edits incidents, decides review candidates and stores forecasts.
- ``auditor``: a viewer who also edits facilities, carries out audits and builds hardening plans.
- ``admin``: everything, and manages accounts.

>>> sorted(permissions_of("auditor"))
['audit', 'edit_facilities', 'plan', 'read']
>>> "manage_users" in permissions_of("analyst")
False
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["PERMISSIONS", "ROLES", "Permission", "Role", "permissions_of"]

Role = Literal["admin", "analyst", "auditor", "viewer"]
Permission = Literal[
    "read",
    "edit_incidents",
    "review",
    "run_forecasts",
    "edit_facilities",
    "audit",
    "plan",
    "manage_users",
]

ROLES: tuple[Role, ...] = get_args(Role)
PERMISSIONS: tuple[Permission, ...] = get_args(Permission)

_GRANTS: dict[Role, frozenset[Permission]] = {
    "viewer": frozenset({"read"}),
    "analyst": frozenset({"read", "edit_incidents", "review", "run_forecasts"}),
    "auditor": frozenset({"read", "edit_facilities", "audit", "plan"}),
    "admin": frozenset(PERMISSIONS),
}


def permissions_of(role: str) -> frozenset[Permission]:
    """What a role may do; an unknown role may do nothing."""
    for known, grants in _GRANTS.items():
        if known == role:
            return grants
    return frozenset()
