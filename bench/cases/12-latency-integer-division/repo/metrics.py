"""Request metrics for the dashboard."""


def mean_latency_ms(samples: list[float]) -> float:
    if not samples:
        return 0.0
    return sum(samples) // len(samples)


def error_rate(errors: int, total: int) -> float:
    return errors / total if total else 0.0


def summary(samples: list[float], errors: int) -> dict:
    return {
        "requests": len(samples),
        "mean_ms": round(mean_latency_ms(samples), 2),
        "error_rate": round(error_rate(errors, len(samples)), 3),
    }
