"""Resumes: uploaded files (GridFS), their text, and the structured resume parsed from it."""
