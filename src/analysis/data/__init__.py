"""The data layer: Vietnamese conventions (``vn``), table schemas (``schema``), the
validated loader (``loader``), selections of observations (``observations``) and
procedure-level panels (``panel``).

``from analysis import data; data.load()`` is the entry point. The loader's names are
resolved on first use so that ``analysis.data.vn`` stays importable without pandas.
"""

from __future__ import annotations

import importlib

_LOADER_NAMES = {"Dataset", "known_order", "load", "validate"}
_ERROR_NAMES = {"DataError", "Problem", "UnknownProvinceError"}

__all__ = sorted(_LOADER_NAMES | _ERROR_NAMES)


def __getattr__(name: str):
    if name in _LOADER_NAMES:
        return getattr(importlib.import_module("analysis.data.loader"), name)
    if name in _ERROR_NAMES:
        return getattr(importlib.import_module("analysis.errors"), name)
    raise AttributeError(f"module 'analysis.data' has no attribute '{name}'")
