"""Exceptions that end a command with exit status 2 and a plain message (no traceback).

They live here, apart from the modules that raise them, so that the command line can
catch them without importing pandas and the data loader first.
"""

from __future__ import annotations

from dataclasses import dataclass


class Refused(Exception):
    """The data cannot support what was asked (a model it cannot identify, too few
    months, no observations). The message says why and, where possible, what data would."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file; ``line`` is the line number in the file
    (1 is the header), 0 when the problem concerns the whole file."""

    file: str
    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        col = f": column '{self.column}'" if self.column else ""
        return f"{where}{col}: {self.reason}"


class DataError(Exception):
    """Raised by :func:`load` when any data file is invalid; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownProvinceError(ValueError):
    """Raised when a province name matches no name or alias in admin_units.csv."""

    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        super().__init__(f"unknown province '{name}'; known provinces: {', '.join(known)}")


class ParameterError(ValueError):
    """Raised when a notebook parameter is unknown, of the wrong type or out of range."""

    def __init__(self, notebook: str, name: str, problem: str):
        self.notebook, self.name, self.problem = notebook, name, problem
        super().__init__(f"{notebook}: parameter '{name}': {problem}")
