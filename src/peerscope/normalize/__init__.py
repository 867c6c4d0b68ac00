"""Pure mapping of source payloads to frozen canonical records. No I/O here."""
