"""`python -m customs_readiness` is the `readiness` command."""

from .cli import main

main()
