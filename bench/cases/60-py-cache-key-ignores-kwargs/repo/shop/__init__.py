"""A small shop: a price catalogue behind a cache, and quotes built from it."""
