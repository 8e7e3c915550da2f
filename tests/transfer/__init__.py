"""Dumping a forum and loading it into another database."""
