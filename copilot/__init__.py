"""Industrial AI copilot: local, grounded, safe."""

__version__ = "0.1.0"
