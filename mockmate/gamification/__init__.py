"""Gamification rules: XP and levels, streaks, badges, daily challenges and goals.

Everything here is pure (no database, no clock, no network): the caller passes the time,
the stored state and the event, and gets the new state and the awards to store. Storage
makes the awards idempotent by keying each one by its cause (see `xp.Award.cause_key`).
"""
