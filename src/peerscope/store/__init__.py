"""The store: the only package that imports SQLAlchemy.

Everything outside talks to it through ``Store`` (``peerscope.store.db``), the batch writer
(``peerscope.store.writer``) and read queries (``peerscope.store.queries``) that return frozen
view records (``peerscope.store.views``), never table rows.
"""
