"""Who may do what with accounts. Roles: reader, creator, editor, admin (User.Role).

Pages and actions ask these questions and nothing else; tidings.moderation.access builds on them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from tidings.accounts.models import User


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


def is_creator(user: Any) -> bool:
    """An approved creator: only they publish."""
    return creator_of(user) is not None and user.role in {User.Role.CREATOR, User.Role.EDITOR, User.Role.ADMIN}


def can_apply(user: Any) -> bool:
    """申请入驻 is for signed-in readers without a creator profile."""
    return is_signed_in(user) and user.role == User.Role.READER and creator_of(user) is None
