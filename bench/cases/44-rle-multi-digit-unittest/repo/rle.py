"""Run-length encoding: "aaab" <-> "3a1b"."""


def encode(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append(f"{j - i}{text[i]}")
        i = j
    return "".join(out)


def decode(data: str) -> str:
    """The text ``encode`` made ``data`` from (counts may have several digits)."""
    out = []
    for i in range(0, len(data), 2):
        count, ch = int(data[i]), data[i + 1]
        out.append(ch * count)
    return "".join(out)
