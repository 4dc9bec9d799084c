"""``python -m cscip_kg`` is the ``cscip-kg`` command."""

from cscip_kg.cli import main

main()
