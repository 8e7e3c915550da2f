"""Accounts: registration, login, profiles."""
