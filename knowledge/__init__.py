"""The knowledge base and answer engine: a pure library with no Discord in it."""
