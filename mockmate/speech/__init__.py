"""Speech: text-to-speech for questions, speech-to-text for answers, and audio formats."""
