"""The server: app factory, start-up wiring, REST endpoints."""
