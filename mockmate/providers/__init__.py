"""Cloud AI providers (Gemini, ...) behind the server's interfaces, with failure handling.

Each provider is optional: it is built at start-up when its API key is set, and every call
goes through `resilience` so that a slow or failing service degrades to the offline path.
"""
