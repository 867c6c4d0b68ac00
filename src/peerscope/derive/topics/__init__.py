"""Topics: the hierarchy (OpenAlex's, with arXiv's taxonomy seeded into it), scored topics for
works that came without any (from their arXiv categories, else from clusters of their text),
and readable labels for those clusters. Pure: no I/O."""
