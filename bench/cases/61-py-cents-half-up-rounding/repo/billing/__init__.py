"""Invoices: catalogue prices are floats in euros, invoices are kept in whole cents."""
