"""Test harness: real Redis and MongoDB-wire servers, in-process and subprocess MockMate
servers, and a Socket.IO client that awaits events with timeouts."""
