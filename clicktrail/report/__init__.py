"""clicktrail.report."""
