"""clicktrail.postback."""
