"""Audit log. Call `record(...)` from action functions, inside their transaction."""

from __future__ import annotations

from typing import Any


def record(actor: Any, action: str, target: Any, reason: str = "", **data: Any) -> Any:
    """Append one entry: who (a user or None for the system), what, to which object, and why."""
    from tidings.audit.models import Entry

    return Entry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        reason=reason,
        data=data,
    )
