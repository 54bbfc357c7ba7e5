"""The eval suite: score the assistant's `Answer`s against `evals/cases.yaml` and gate CI on them.

`cases` loads and validates case files, `scoring` judges one answer, `metrics` sums a run up,
`runner` ties them to an `Assistant`, `reports` prints and writes the results, `calibrate` picks
the abstention threshold and `judge` adds optional LLM-judged correctness and faithfulness.
Nothing heavy is imported here, so `assistant ask` start-up does not pay for the evals.
"""
