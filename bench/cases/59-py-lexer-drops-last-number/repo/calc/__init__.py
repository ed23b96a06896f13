"""A small calculator: arithmetic expressions with + - * / and parentheses."""
