"""The panels of the rdebug TUI."""
