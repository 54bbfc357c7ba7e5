"""A grounded chat assistant for runners: answers only from a trusted corpus, with citations.

Entry point: `assistant.answering.pipeline.Assistant.answer(question, history) -> Answer`.
"""
