"""Expert payouts: each completed session's net share is transferred to the expert's
connected account once its refund window has passed, once (docs/marketplace.md, "Payouts")."""
