"""Socket.IO event handlers: validate the payload, call the domain, answer with an ack."""
