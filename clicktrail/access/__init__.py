"""Offer access: per-affiliate offer visibility, offer applications, the affiliate offers API."""
