"""The corpus: documents read from corpus/, cut into passages, and the cached search index over them."""
