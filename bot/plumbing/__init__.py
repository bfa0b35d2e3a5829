"""Plumbing that knows nothing of recalls: serving HTTP, pacing, closing, crash points for tests,
background work and how times are written. Imports nothing else from ``bot``."""
