"""Peerscope: an open, self-hostable research discovery and trust graph."""

__version__ = "0.1.0"
