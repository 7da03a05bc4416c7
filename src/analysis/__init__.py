"""Analysis toolkit for Vietnamese provinces' online public services (Project 06).

Modules:
- ``config``: paths and fixed names in one place.
- ``vn``: Vietnamese data-entry conventions (numbers, dates, Unicode) parsed or refused.
- ``schema``: the controlled vocabularies and the columns of every data file.
- ``data``: ``load()`` returns the validated tables; ``validate()`` lists problems.
- ``plotting``: the one module that styles, captions and saves figures.
- ``params``: typed notebook parameters, checked before any work starts.
- ``overview``: the data-overview report's tables and figures.
"""

__version__ = "0.1.0"
