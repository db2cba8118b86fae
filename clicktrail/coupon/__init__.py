"""Coupon codes: Everflow's Network and Affiliate API shapes, rules and queries (ADR 0104)."""
