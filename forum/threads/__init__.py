"""Threads and their posts."""
