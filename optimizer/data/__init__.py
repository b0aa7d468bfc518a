"""Stage 1, data: read a dataset folder (or tables in memory), validate it, summarise it.

read → aliases (headers, units) → rules (cells, ranges, relations) → warnings →
:class:`Dataset`. Also the derived county quantities and findings (derived), number
formatting for sentences (numbers), the check summary and the synthetic-data generator.
"""
