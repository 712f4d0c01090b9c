"""Deep learning, taught by tests: one package per chapter of exercises."""
