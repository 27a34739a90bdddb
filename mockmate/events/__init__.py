"""Numbered server events: the per-session event log, replay after a reconnect, fan-out."""
