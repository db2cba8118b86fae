"""One counter that moves whenever something the tracking cache holds is written.

``cache_generation`` has one row (``id`` 1). Every ORM flush that inserts, updates or deletes
an offer, a payout/revenue entry, a custom payout/revenue setting, a custom cap setting, an
affiliate, the network, an offer's visibility for an affiliate, a traffic control or an API
key adds 1 to ``generation`` in the same transaction, and so does every ORM bulk
UPDATE/DELETE of those models (API keys excepted: the gate's ``last_used_at`` update). The
listeners are registered when this module is imported (by ``clicktrail.models``), so no
service can forget. A tracking process compares the counter with the one its cache was
loaded at before it resolves a click (ADR 0071).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from clicktrail.models.affiliate import Affiliate
from clicktrail.models.api_key import ApiKey
from clicktrail.models.base import Base
from clicktrail.models.custom_cap_setting import CustomCapSetting
from clicktrail.models.custom_payout_revenue import CustomPayoutRevenue
from clicktrail.models.network import Network
from clicktrail.models.offer import Offer
from clicktrail.models.offer_payout_revenue import OfferPayoutRevenue
from clicktrail.models.offer_visibility import OfferVisibility
from clicktrail.models.traffic_control import TrafficControl

ROW_ID = 1

#: The models whose rows the tracking cache holds.
CACHED_MODELS: tuple[type[Base], ...] = (
    Offer,
    OfferPayoutRevenue,
    Affiliate,
    Network,
    OfferVisibility,
    CustomPayoutRevenue,
    CustomCapSetting,
    TrafficControl,
)
#: Also moved by an ORM write of an API key (created, revoked): the API gate keeps the keys it
#: authenticated while the generation stands (clicktrail/auth/keymemo.py, ADR 0113). The
#: gate's bulk ``last_used_at`` update does not move it.
_MOVED_BY: tuple[type[Base], ...] = (*CACHED_MODELS, ApiKey)
_CACHED_TABLES = frozenset(model.__table__.name for model in CACHED_MODELS)  # type: ignore[attr-defined]


class CacheGeneration(Base):
    __tablename__ = "cache_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)


def _bump_statement(insert: Any) -> Any:
    """``generation + 1``, creating the row when it is missing (an emptied table)."""
    statement = insert(CacheGeneration).values(id=ROW_ID, generation=1)
    return statement.on_conflict_do_update(
        index_elements=[CacheGeneration.id],
        set_={"generation": CacheGeneration.generation + 1},
    )


_BUMPS = {
    "postgresql": _bump_statement(postgresql.insert),
    "sqlite": _bump_statement(sqlite.insert),
}


def bump(connection: Connection) -> None:
    """Move the generation in the connection's transaction."""
    connection.execute(_BUMPS[connection.dialect.name])


def _touches_cache(session: Session) -> bool:
    return any(
        isinstance(obj, _MOVED_BY)
        for group in (session.new, session.dirty, session.deleted)
        for obj in group
    )


@event.listens_for(Session, "before_flush")
def _mark(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    # Dirty objects without net changes are harmless: one more reload, never one less.
    if _touches_cache(session):
        session.info["clicktrail_cache_touched"] = True


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session: Session, _flush: UOWTransaction) -> None:
    if session.info.pop("clicktrail_cache_touched", False):
        bump(session.connection())


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk(state: Any) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _CACHED_TABLES:
        bump(state.session.connection())
