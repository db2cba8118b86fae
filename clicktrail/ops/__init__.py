"""clicktrail.ops."""
