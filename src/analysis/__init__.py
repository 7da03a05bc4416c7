"""Analysis toolkit for Vietnamese provinces' online public services (Project 06).

Layers, each importing only those before it (``src/analysis/README.md`` has the map;
``tests/test_layering.py`` enforces it):

- base: ``config`` (paths), ``errors`` (exceptions that end a command), ``files`` (atomic writes);
- ``data``: Vietnamese conventions, schemas, the validated loader, panels;
- ``models``: growth, difference-in-differences, time series, power, simulation, scenarios,
  comparability;
- ``reports``: plotting, notebook parameters, the code behind each report notebook;
- ``pack``: figure packs (parameter files, execution, manifest, HTML, publish);
- ``commands`` and ``cli``: the ``analysis`` command line.
"""

__version__ = "0.1.0"
