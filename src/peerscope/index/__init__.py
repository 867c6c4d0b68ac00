"""Indexes derived from the store: search now; vectors and the graph later."""
