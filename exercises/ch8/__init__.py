# Course exercises: see README.md.
"""Chapter 8: stochastic gradient descent, its variants, and the tricks that make it work."""
