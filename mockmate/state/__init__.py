"""Interview sessions: the pure state machine and the Redis store that keeps it."""
