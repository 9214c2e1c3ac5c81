"""The ``nazaha`` command line (Typer and Rich): each command parses its arguments, calls one
workflow and prints the result; ``cli/errors.py`` turns errors into exit codes."""
