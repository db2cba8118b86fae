"""clicktrail.meta."""
