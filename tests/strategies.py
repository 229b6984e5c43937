"""Hypothesis strategies shared by the test suite (one place, reused everywhere)."""

from __future__ import annotations
