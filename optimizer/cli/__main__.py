"""``python -m optimizer.cli`` runs the ``landquota`` command."""

from optimizer.cli.app import main

main()
