"""clicktrail.compat."""
