"""Read-only links to one interview's results, for a mentor without an account."""
