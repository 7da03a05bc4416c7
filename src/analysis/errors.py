"""Exceptions that end a command with exit status 2 and a plain message (no traceback)."""


class Refused(Exception):
    """The data cannot support what was asked (a model it cannot identify, too few
    months, no observations). The message says why and, where possible, what data would."""
