from __future__ import annotations

import pytest
from sqlalchemy import select

from clicktrail.auth.service import (
    affiliate_keys,
    authenticate,
    create_key,
    hash_key,
    key_page,
    revoke_affiliate_key,
    revoke_key,
)
from clicktrail.db import Database
from clicktrail.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from clicktrail.models import ApiKey
from tests.fixtures.factories import make_affiliate


async def test_key_is_stored_hashed_only(db: Database) -> None:
    async with db.write() as session:
        _key, raw = await create_key(session, realm="network", name="ci")
    async with db.read() as session:
        stored = (await session.execute(select(ApiKey))).scalar_one()
    assert stored.key_hash == hash_key(raw)
    assert raw not in (stored.key_hash, stored.prefix, stored.name)
    assert raw.startswith(f"ct_{stored.prefix}_")


async def test_affiliate_key_binds_one_affiliate(db: Database) -> None:
    affiliate = await make_affiliate(db)
    async with db.write() as session:
        _key, raw = await create_key(
            session, realm="affiliate", affiliate_id=affiliate.network_affiliate_id
        )
    async with db.read() as session:
        principal = await authenticate(session, raw, "affiliate")
        assert principal.affiliate_id == affiliate.network_affiliate_id
        with pytest.raises(Forbidden):
            await authenticate(session, raw, "network")


async def test_revoked_and_unknown_keys_are_unauthorized(db: Database) -> None:
    async with db.write() as session:
        key, raw = await create_key(session, realm="network")
    async with db.write() as session:
        await revoke_key(session, key.id)
    async with db.read() as session:
        with pytest.raises(Unauthorized):
            await authenticate(session, raw, "network")
        with pytest.raises(Unauthorized):
            await authenticate(session, "ct_nope", "network")
        with pytest.raises(Unauthorized):
            await authenticate(session, None, "network")


async def test_bad_key_requests_write_nothing(db: Database) -> None:
    async with db.write() as session:
        with pytest.raises(ValidationFailed):
            await create_key(session, realm="affiliate")
        with pytest.raises(NotFound):
            await create_key(session, realm="affiliate", affiliate_id=999)
        with pytest.raises(ValidationFailed):
            await create_key(session, realm="root")
    async with db.read() as session:
        assert (await session.execute(select(ApiKey))).first() is None


async def test_affiliate_keys_and_revoking_only_its_own(db: Database) -> None:
    mine = await make_affiliate(db)
    theirs = await make_affiliate(db)
    mine_id, theirs_id = mine.network_affiliate_id, theirs.network_affiliate_id
    async with db.write() as session:
        first, _ = await create_key(session, realm="affiliate", affiliate_id=mine_id, name="a")
        second, _ = await create_key(session, realm="affiliate", affiliate_id=mine_id, name="b")
        other, _ = await create_key(session, realm="affiliate", affiliate_id=theirs_id)
        network, _ = await create_key(session, realm="network")
    async with db.read() as session:
        assert [k.name for k in await affiliate_keys(session, mine_id)] == ["b", "a"]
    async with db.write() as session:
        for key_id in (other.id, network.id, 10**6):
            with pytest.raises(NotFound):
                await revoke_affiliate_key(session, mine_id, key_id)
        revoked = await revoke_affiliate_key(session, mine_id, first.id)
        assert revoked.revoked_at is not None
    async with db.read() as session:
        keys = {k.id: k for k in await affiliate_keys(session, mine_id)}
        assert keys[first.id].revoked_at is not None
        assert keys[second.id].revoked_at is None
        assert (await session.get(ApiKey, other.id)).revoked_at is None  # type: ignore[union-attr]


async def test_key_pages_list_live_keys_first_and_filter_by_realm(db: Database) -> None:
    affiliate = await make_affiliate(db)
    async with db.write() as session:
        old, _ = await create_key(session, realm="network", name="old")
        mine, _ = await create_key(
            session, realm="affiliate", affiliate_id=affiliate.network_affiliate_id
        )
        new, _ = await create_key(session, realm="network", name="new")
        await revoke_key(session, new.id)
    async with db.read() as session:
        rows, total = await key_page(session, realm=None, offset=0, limit=2)
        assert ([(k.id, name) for k, name in rows], total) == (
            [(mine.id, affiliate.name), (old.id, "")],
            3,
        )
        rows, total = await key_page(session, realm=None, offset=2, limit=2)
        assert [k.id for k, _ in rows] == [new.id]
        rows, total = await key_page(session, realm="network", offset=0, limit=10)
        assert ([k.id for k, _ in rows], total) == ([old.id, new.id], 2)
        with pytest.raises(ValidationFailed):
            await key_page(session, realm="admin", offset=0, limit=10)
