"""Reading a web server's access log."""
