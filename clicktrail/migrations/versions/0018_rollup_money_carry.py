"""rollup: a carry column beside every money metric, so sums cannot overflow

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-03

Every rollup table gets ``<metric>_carry`` (BIGINT, default 0) for ``payout``, ``revenue``,
``sale_amount``, ``pending_payout`` and ``pending_revenue``: a row's value in micro-units is
``carry * 10**9 + metric``, with the metric kept in [0, 10**9) (ADR 0078). Existing rows
are brought into that form. Downgrading folds the carries back into the metrics, which
fails with an overflow if a row's value no longer fits a BIGINT.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0015"
branch_labels: str | None = None
depends_on: str | None = None

# Written out here (not imported from the model) so that this revision stays fixed.
_MONEY = ("payout", "revenue", "sale_amount", "pending_payout", "pending_revenue")
_MODULUS = 10**9
_TABLES = (
    "rollup_entity_hour",
    "rollup_entity_day",
    "rollup_dims_hour",
    "rollup_dims_day",
    "rollup_value_hour",
    "rollup_value_day",
    "rollup_offer_hour",
    "rollup_offer_day",
    "rollup_offer_block",
    "rollup_affiliate_hour",
    "rollup_affiliate_day",
    "rollup_affiliate_block",
    "rollup_geo_hour",
    "rollup_geo_day",
    "rollup_geo_block",
    "rollup_offer_country_hour",
    "rollup_offer_country_day",
    "rollup_offer_country_block",
    "rollup_offer_device_hour",
    "rollup_offer_device_day",
    "rollup_offer_device_block",
    "rollup_affiliate_country_hour",
    "rollup_affiliate_country_day",
    "rollup_affiliate_country_block",
    "rollup_values_hour",
    "rollup_values_day",
    "rollup_values_block",
    "rollup_affiliate_values_day",
    "rollup_affiliate_values_block",
    "rollup_offer_values_day",
    "rollup_offer_values_block",
)


def _normalize(table: str) -> str:
    """Floor division of each money metric by the modulus, without an intermediate value
    that could overflow; only the rows with a metric outside [0, modulus) change."""
    sets = []
    for m in _MONEY:
        below = f"CASE WHEN {m} % {_MODULUS} < 0 THEN 1 ELSE 0 END"
        sets.append(f"{m}_carry = {m}_carry + {m} / {_MODULUS} - {below}")
        sets.append(f"{m} = {m} % {_MODULUS} + {below} * {_MODULUS}")
    outside = " OR ".join(f"{m} < 0 OR {m} >= {_MODULUS}" for m in _MONEY)
    return f"UPDATE {table} SET {', '.join(sets)} WHERE {outside}"


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for m in _MONEY:
                # A plain string default: SQLite then adds the column in place (a
                # ClauseElement default makes batch mode copy the table, which would lose
                # the expression indexes of the values cube).
                batch.add_column(
                    sa.Column(f"{m}_carry", sa.BigInteger(), nullable=False, server_default="0")
                )
        op.execute(_normalize(table))


#: The largest carry whose value, with any metric below the modulus, fits a BIGINT.
_CARRY_FITS = (2**63 - 1) // _MODULUS - 1


def downgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        # SQLite would turn an overflowing sum into an inexact REAL: refuse instead.
        huge = " OR ".join(
            f"{m}_carry > {_CARRY_FITS} OR {m}_carry < -{_CARRY_FITS}" for m in _MONEY
        )
        if bind.execute(sa.text(f"SELECT 1 FROM {table} WHERE {huge} LIMIT 1")).first():
            raise RuntimeError(f"{table} holds money sums beyond a BIGINT: cannot downgrade")
    for table in _TABLES:
        folded = ", ".join(f"{m} = {m} + {m}_carry * {_MODULUS}" for m in _MONEY)
        carried = " OR ".join(f"{m}_carry <> 0" for m in _MONEY)
        op.execute(f"UPDATE {table} SET {folded} WHERE {carried}")
        # SQLite drops a column in place (3.35+): the tables' expression indexes would not
        # survive batch mode's copy, and no index uses these columns.
        with op.batch_alter_table(table, recreate="never") as batch:
            for m in reversed(_MONEY):
                batch.drop_column(f"{m}_carry")
