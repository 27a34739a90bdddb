"""Candidate profiles: the stored shape, per-field PATCH validation and merge (pure, no I/O)."""
