"""The OpenAlex-compatible list API: one field registry, the parameter parsers and the cursor codec."""
