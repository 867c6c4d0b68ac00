"""Similar works for every work: co-citation, bibliographic coupling, shared topics and text
(``scoring``), derived from the store and rebuilt when its inputs change (``run``)."""
