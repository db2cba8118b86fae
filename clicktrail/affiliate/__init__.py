"""clicktrail.affiliate."""
