"""Booking a meeting room by the minute."""
