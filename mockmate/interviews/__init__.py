"""Running interviews: the use cases behind the Socket.IO handlers and the background jobs."""
