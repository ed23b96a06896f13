from leaderboard import podium, rank_of, ranking


def test_descending_scores():
    assert ranking({"ann": 3, "bob": 9, "cy": 5}) == [("bob", 9), ("cy", 5), ("ann", 3)]


def test_rank_of():
    assert rank_of({"ann": 3, "bob": 9}, "ann") == 2


def test_ties_alphabetical():
    assert podium({"zed": 10, "amy": 10, "kim": 7, "lou": 1}) == ["amy", "zed", "kim"]
