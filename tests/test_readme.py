"""The README's Python example runs as printed and says what it claims."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_example_runs(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    code = code.replace('"inputs/shanxi-central"', repr(str(ROOT / "inputs" / "shanxi-central")))
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    printed = out.getvalue()
    assert printed.startswith("optimal ")
    assert "quota_pool" in printed and "intensity_reduction" in printed
    assert (tmp_path / "outputs" / "low-quota" / "allocation.csv").exists()


def test_readme_gives_the_two_setup_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . && landquota solve inputs/shanxi-central" in readme
    test_command = 'pip install -e ".[test]" && python -m pytest'
    assert test_command in readme
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
