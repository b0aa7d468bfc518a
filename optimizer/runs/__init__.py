"""Run folders (MODEL.md §5): the files of a run, written atomically and read back."""
