"""Skills over time, practice sessions and bookmarks: what a candidate gets better at."""
