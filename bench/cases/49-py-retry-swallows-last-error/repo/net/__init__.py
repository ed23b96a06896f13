"""A settings client over a flaky transport."""
