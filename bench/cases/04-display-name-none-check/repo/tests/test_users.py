from users import User, UserDirectory

DIRECTORY = UserDirectory([User(1, "Ada Lovelace", "ada"), User(2, "Alan Turing")])


def test_nickname_preferred():
    assert DIRECTORY.display_name(1) == "ada"


def test_full_name_fallback():
    assert DIRECTORY.display_name(2) == "Alan Turing"


def test_unknown_user():
    assert DIRECTORY.display_name(99) == "unknown user"
