"""``python -m optimizer.reports``: print docs/outputs.md, the output data dictionary."""

import sys

from optimizer.reports.labels import dictionary_markdown

sys.stdout.write(dictionary_markdown())
