"""Stage 2, formulation: the LP of MODEL.md §3 as a sparse matrix.

lp (the matrix builder) → linkage (the indicator network) → build (one
``define_<family>_constraints`` function per constraint family).
"""
