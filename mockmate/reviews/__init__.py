"""Expert reviews of the interviews a candidate attaches to a booking (docs/marketplace.md,
"The expert sees what the AI saw")."""
