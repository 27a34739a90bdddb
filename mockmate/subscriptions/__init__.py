"""Free and premium plans and the premium subscription (docs/subscriptions.md)."""
