"""Run folders (MODEL.md §5, docs/runs.md): the files of a run, written safely and read back."""

from optimizer.runs.target import RunTarget, check_target

__all__ = ["RunTarget", "check_target"]
