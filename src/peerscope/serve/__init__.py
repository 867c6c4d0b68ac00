"""Serving: the web pages and the JSON API over the store and indexes."""
