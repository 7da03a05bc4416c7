"""Figure packs: parameter files, execution of the notebooks, manifest, HTML and index,
build and publish. ``from analysis import pack; pack.build(...)`` is the entry point."""

from analysis.pack.builder import PackBusy, PackResult, build, lock

__all__ = ["PackBusy", "PackResult", "build", "lock"]
