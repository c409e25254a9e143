"""Who may do what with accounts. Roles: reader, creator, editor, admin (User.Role).

Pages and actions ask these questions and nothing else; tidings.moderation.access builds on them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest

from tidings.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in user behind a request that a decorator or the admin already let through,
    typed as our User (django-stubs types request.user as User | AnonymousUser)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("请先登录。")
    return user


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_editor(user: Any) -> bool:
    """Editors and admins moderate (superusers count as admins)."""
    return is_signed_in(user) and bool(user.is_editor)


def is_admin(user: Any) -> bool:
    return is_signed_in(user) and (user.role == User.Role.ADMIN or user.is_superuser)


def creator_of(user: Any) -> Any:
    """The user's creator profile, or None."""
    if not is_signed_in(user):
        return None
    try:
        return user.creator  # the reverse one-to-one of tidings.creators (a layer sibling)
    except ObjectDoesNotExist:
        return None


WRITER_ROLES = frozenset({User.Role.CREATOR, User.Role.EDITOR, User.Role.ADMIN})


def has_writer_role(user: Any) -> bool:
    """Creators, editors and admins (superusers count as admins) may write, given a creator profile."""
    return is_signed_in(user) and (user.role in WRITER_ROLES or user.is_superuser)


def is_creator(user: Any) -> bool:
    """An approved creator: only they publish."""
    return has_writer_role(user) and creator_of(user) is not None


def can_apply(user: Any) -> bool:
    """申请入驻 is for signed-in readers without a creator profile."""
    return is_signed_in(user) and user.role == User.Role.READER and not user.is_editor and creator_of(user) is None
