"""Start the web chat and the blog widget: `python app.py`.

Settings come from the environment and `.env` (see README: Web chat). Where to listen follows
Gradio's own GRADIO_SERVER_NAME, GRADIO_SERVER_PORT and GRADIO_ROOT_PATH.
"""

from __future__ import annotations

import logging
import os
import sys

# Before Gradio is imported: no telemetry, no version check, nothing leaves the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.errors import AssistantError
from assistant.settings import load_settings
from assistant.web.server import serve


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        print(f"{settings.title}: http://{settings.server_name}:{settings.server_port}{settings.root_path}/")
        serve(settings)
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
