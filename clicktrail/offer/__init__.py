"""clicktrail.offer."""
