"""From a question to a cited Answer: input checks, safety, query, retrieval, evidence, and the extractive or generated answer."""
