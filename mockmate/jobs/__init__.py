"""Durable background jobs on Redis Streams (evaluation, post-answer hooks)."""
