"""The protocol as machine-readable specs: AsyncAPI 3.0 for Socket.IO, OpenAPI 3.1 for REST."""
