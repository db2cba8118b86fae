"""Console and portal users: accounts, passwords, server-side web sessions, sign-in throttling."""
