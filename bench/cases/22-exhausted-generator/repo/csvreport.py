"""Summaries of exported payment CSV files (date,amount,note)."""


def read_amounts(lines):
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            yield float(line.split(",")[1])


def summary(lines) -> dict:
    amounts = read_amounts(lines)
    total = sum(amounts)
    count = sum(1 for _ in amounts)
    return {"count": count, "total": round(total, 2), "mean": round(total / count, 2)}
