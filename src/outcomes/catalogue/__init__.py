"""Stage 1, the catalogue: indicator definitions in TOML become a typed
:class:`~outcomes.Catalogue`, from which the minimal national dataset
(:class:`~outcomes.DatasetSpec`) and the 13 recommendations are read."""
