"""The audit log: every change to the network's configuration, with who, when, and the
values before and after (ADR 0086)."""
