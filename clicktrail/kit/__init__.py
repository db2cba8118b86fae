"""Domain-free helpers: ids, money, time, streaming. Nothing here imports a domain."""
