"""``python -m outcomes`` runs the command-line interface."""

from outcomes._cli import main

if __name__ == "__main__":  # not when a report process started afresh imports this module
    raise SystemExit(main())
