"""Full-text documents: bytes -> text (PDF, HTML, Markdown, plain text) -> structure.

Everything here is pure except ``pdf_worker``, which runs PDF text extraction in a child
process under memory and time limits (``sandbox``).
"""
