"""Errors a user can act on: the CLI prints them as one line and exits with status 2."""


class UserError(Exception):
    """Bad input from the user (bad SQL, unknown table, missing warehouse, bad flag)."""
