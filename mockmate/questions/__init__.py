"""Interview questions: the offline bank, templates and role-aware selection."""
