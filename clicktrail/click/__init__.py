"""clicktrail.click."""
