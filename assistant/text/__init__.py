"""Words and sentences: terms, stemming, spelling, English rarity and token counts that retrieval and answering share."""
