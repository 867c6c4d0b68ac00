"""Pure matching: which stored entity a new record is. No I/O; lookups are passed in."""
