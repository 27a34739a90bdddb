"""One async context per feature, opened in order by `server.runtime.FEATURES`."""
