"""One question through the stock llama-index pipeline, as a script would: read, index, ask, print.
Run as a subprocess to time the stock side's cold start (`python -m benchmarks.stock_ask`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.baseline import build_stock_pipeline, stock_answer, stock_llm


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("question")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--kind", choices=["bm25", "vector"], default="bm25")
    parser.add_argument("--base-url", required=True, help="the OpenAI-compatible server to ask")
    args = parser.parse_args(argv)
    pipeline = build_stock_pipeline(args.corpus, args.kind, stock_llm(args.base_url))
    print(json.dumps(stock_answer(pipeline, args.question).to_dict()))


if __name__ == "__main__":
    main()
