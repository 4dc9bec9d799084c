"""cscip-kg: a knowledge graph of the Children's Social Care Innovation Programme."""

__version__ = "1.0.0"
