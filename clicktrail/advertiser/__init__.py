"""clicktrail.advertiser."""
