"""Caps: limits on an offer's clicks, conversions, payout and revenue per period."""
