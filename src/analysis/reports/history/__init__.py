"""The index-history report (notebooks/06_index_history.ipynb): the province's monthly
index against all provinces, its rank, its merger partners, revisions between retrievals,
and Nghệ An beside Hòa Bình on the months both were scored (:mod:`.series`, :mod:`.text`,
:mod:`.figures`)."""
