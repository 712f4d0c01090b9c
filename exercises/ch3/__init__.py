# Course exercises: see README.md.
"""Chapter 3: feed-forward neural networks."""
