"""Making, checking and revoking personal API tokens (tidings.api.models.ApiToken)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from tidings import audit
from tidings.api.models import ApiToken, digest, new_secret
from tidings.articles import access
from tidings.lib.markup import plain_text

MAX_TOKENS = 20


@transaction.atomic
def create_token(user: Any, name: str) -> tuple[str, ApiToken]:
    """A new token for an approved creator; returns the secret (shown once) and the row."""
    access.require_writer(user)
    name = plain_text(name)[:60]
    if not name:
        raise ValueError("请给令牌起个名字（例如“发布脚本”）。")
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise ValueError(f"最多 {MAX_TOKENS} 个有效令牌：请先停用不用的令牌。")
    secret = new_secret()
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:10], sha256=digest(secret))
    audit.record(user, "api_token.create", token)
    return secret, token


@transaction.atomic
def revoke_token(user: Any, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404("没有这个令牌。")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(user, "api_token.revoke", token)
    return token


def user_for_token(secret: str) -> Any | None:
    """The active user behind a bearer token, or None; records when the token was last used."""
    if not secret or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(sha256=digest(secret), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
