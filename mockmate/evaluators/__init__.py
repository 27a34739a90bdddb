"""Answer evaluation: delivery analytics, scoring, and the post-answer hook pipeline."""
