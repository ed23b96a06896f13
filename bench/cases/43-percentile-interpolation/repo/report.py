"""A latency report: median and tail percentiles, in milliseconds."""

from stats import percentile


def latency_report(samples_ms: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(samples_ms, 50), 2),
        "p90": round(percentile(samples_ms, 90), 2),
        "max": max(samples_ms),
    }
