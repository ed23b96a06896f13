"""Reading many keys from a remote store."""

from fetcher import call_with_retries


def fetch_one(source, key):
    return call_with_retries(lambda: source.get(key))


def fetch_all(source, keys, retries: int = 0):
    """The value of each key; a read that fails with a TransientError is tried up to ``retries`` more times."""
    return {key: fetch_one(source, key) for key in keys}
