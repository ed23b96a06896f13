from contacts import emails, load_contacts

EXPORT = """name,email,city
Ada Lovelace,ada@example.org,London
"Smith, Jane",jane@example.org,"Portland, OR"
"""


def test_plain_rows():
    assert load_contacts("name,email\nBob,bob@example.org\n") == [{"name": "Bob", "email": "bob@example.org"}]


def test_quoted_fields_keep_their_commas():
    contacts = load_contacts(EXPORT)
    assert contacts[1] == {"name": "Smith, Jane", "email": "jane@example.org", "city": "Portland, OR"}


def test_emails():
    assert emails(EXPORT) == ["ada@example.org", "jane@example.org"]
