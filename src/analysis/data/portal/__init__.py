"""The National Public Service Portal's evaluation index (Decision 766/QĐ-TTg) as a data
source: raw snapshots with their provenance (:mod:`.snapshot`), strict validation of the
portal's ``service-results`` response (:mod:`.response`) and of the third-party crawler's
processed file (:mod:`.details`), the tidy tables derived from them (:mod:`.tables`), the
importer (:mod:`.importer`, all or nothing) and the fetcher (:mod:`.fetch`).

The tidy tables live in ``data/portal/`` beside the raw snapshots they come from; the
rest of ``data/`` is read by :mod:`analysis.data.loader` as before.
"""
