"""What a candidate has beyond interviews: profile, progress, and their data as a whole."""
