"""clicktrail.auth."""
