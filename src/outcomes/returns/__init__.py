"""Stage 2, the returns: blank returns per area and period, reading and validating filled
returns, collating them into the tidy :class:`~outcomes.Dataset`, the areas and deflators
files, and the burden of collection."""
