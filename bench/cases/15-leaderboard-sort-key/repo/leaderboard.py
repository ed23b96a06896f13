"""Game leaderboard."""


def ranking(scores: dict) -> list[tuple]:
    """(player, score) pairs by descending score; equal scores in alphabetical order."""
    return sorted(scores.items(), key=lambda item: (item[1], item[0]), reverse=True)


def podium(scores: dict) -> list[str]:
    return [player for player, _ in ranking(scores)[:3]]


def rank_of(scores: dict, player: str) -> int:
    """1-based position of `player` in the ranking."""
    return [name for name, _ in ranking(scores)].index(player) + 1
