"""Sorted-catalog lookups."""
