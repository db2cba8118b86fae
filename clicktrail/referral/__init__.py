"""clicktrail.referral."""
