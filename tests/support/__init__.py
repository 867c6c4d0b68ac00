"""Helpers shared by the test suite (networking, background servers, PostgreSQL)."""
