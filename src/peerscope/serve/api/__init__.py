"""The JSON API: OpenAlex-shaped entities and lists, with our own ids beside external ones."""
