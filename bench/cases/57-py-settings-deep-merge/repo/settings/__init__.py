"""The service's settings: built-in defaults, then the site's file, then the command line."""
