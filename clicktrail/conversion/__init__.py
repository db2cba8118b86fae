"""clicktrail.conversion."""
