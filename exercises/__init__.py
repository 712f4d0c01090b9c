# Course exercises: see README.md.
"""Deep learning, taught by tests: one package per chapter of exercises."""
