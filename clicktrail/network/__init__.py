"""clicktrail.network."""
