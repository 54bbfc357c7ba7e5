"""Start the web chat and the blog widget: `python app.py`.

Settings come from the environment and `.env` (see README: Web chat). Where to listen follows
Gradio's own GRADIO_SERVER_NAME, GRADIO_SERVER_PORT and GRADIO_ROOT_PATH.
"""

from __future__ import annotations

import logging
import os
import sys

# Before Gradio is imported: no telemetry, no version check, nothing leaves the machine. And no
# progress bars from loading the local embedding model: a reader of the terminal wants the URL.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from assistant.errors import AssistantError
from assistant.settings import load_settings
from assistant.web.server import serve

# Their INFO/DEBUG is noise here (alembic: its plugin set-up; the migrations it runs still show).
QUIET_LOGGERS = ("bm25s", "sentence_transformers", "transformers", "httpx", "alembic")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        settings = load_settings()
        url = f"http://{settings.server_name}:{settings.server_port}{settings.root_path}/"
        print(f"{settings.title}: starting…", flush=True)
        ready = f"{settings.title}: ready at {url} (a demo blog post with the widget: {url}demo/)"
        serve(settings, on_ready=lambda: print(ready, flush=True))
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
