"""`python -m assistant`: the same CLI as the `assistant` command."""

from assistant.cli import main

raise SystemExit(main())
