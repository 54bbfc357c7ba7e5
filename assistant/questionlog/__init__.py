"""The question log: every answer and rating, kept durably and privately, and the reports drawn from it."""
