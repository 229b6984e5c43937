"""``python -m outcomes`` runs the command-line interface."""

from outcomes._cli import main

raise SystemExit(main())
