"""clicktrail: self-hosted affiliate tracking."""

__version__ = "0.1.0"
