"""Museum ticket prices."""

FREE_UNDER = 5
CHILD_UNDER = 18
SENIOR_FROM = 65


def ticket_price(age: int) -> int:
    """Price in euros: free under 5, child under 18, senior from 65, else adult."""
    if age < 0:
        raise ValueError("age cannot be negative")
    if age < FREE_UNDER:
        return 0
    if age < CHILD_UNDER:
        return 8
    if age > SENIOR_FROM:
        return 9
    return 14


def group_price(ages: list[int]) -> int:
    return sum(ticket_price(age) for age in ages)
