"""Follow-up questions: when an answer deserves one, what it probes, and the offline wording."""
