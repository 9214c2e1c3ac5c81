"""``python -m nazaha`` runs the command line."""

from nazaha.cli.app import main

main()
