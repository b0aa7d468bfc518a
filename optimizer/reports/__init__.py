"""What a person reads from a run folder: report.xlsx and report.html, and the data dictionary.

``labels`` holds the output data dictionary (headers, units, meanings), ``tables`` the
tables both reports show, ``xlsx`` and ``html`` the two renderers. The run-folder
writer (``optimizer.runs.write``) calls them inside its staging folder.
"""
