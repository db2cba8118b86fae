"""clicktrail.tracking."""
