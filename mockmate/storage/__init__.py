"""MongoDB repositories: one small class per collection, behind narrow async methods.

Only single-document atomic operations and unique indexes are used (no multi-document
transactions), so the repositories behave the same on MongoDB and on the nx-27017 stand-in.
"""
