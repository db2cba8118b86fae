"""An affiliate's own API key: rotate (old ones revoked, new one works), revoke, ownership."""

from __future__ import annotations

import pytest

from clicktrail.auth import service
from clicktrail.db import Database
from clicktrail.errors import NotFound, Unauthorized
from tests.fixtures.factories import make_affiliate


async def test_rotate_revokes_the_old_key_and_the_new_one_authenticates(db: Database) -> None:
    affiliate = await make_affiliate(db)
    aid = affiliate.network_affiliate_id
    async with db.write() as session:
        _first, first_raw = await service.rotate_affiliate_key(session, aid)
        second, second_raw = await service.rotate_affiliate_key(session, aid)
    async with db.read() as session:
        keys = await service.active_affiliate_keys(session, aid)
        assert [k.id for k in keys] == [second.id]
        with pytest.raises(Unauthorized):
            await service.authenticate(session, first_raw, "affiliate")
        principal = await service.authenticate(session, second_raw, "affiliate")
        assert principal.affiliate_id == aid


async def test_revoke_only_own_key(db: Database) -> None:
    mine = await make_affiliate(db)
    other = await make_affiliate(db)
    async with db.write() as session:
        key, raw = await service.rotate_affiliate_key(session, mine.network_affiliate_id)
    async with db.write() as session:
        with pytest.raises(NotFound):
            await service.revoke_affiliate_key(session, other.network_affiliate_id, key.id)
    async with db.write() as session:
        await service.revoke_affiliate_key(session, mine.network_affiliate_id, key.id)
    async with db.read() as session:
        assert await service.active_affiliate_keys(session, mine.network_affiliate_id) == []
        with pytest.raises(Unauthorized):
            await service.authenticate(session, raw, "affiliate")
