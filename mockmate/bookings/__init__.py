"""Expert marketplace domain rules: wire schemas, free slots, pricing, refunds, relevance, holds."""
