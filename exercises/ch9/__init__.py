# Course exercises: see README.md.
"""Chapter 9: automatic differentiation: finite differences, forward mode with dual numbers,
reverse mode on a Wengert list."""
