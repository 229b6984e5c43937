"""Stage 6, the national view: the overview of every area, the inspectorate's scrutiny
view, peer pairing and whom to learn from."""
