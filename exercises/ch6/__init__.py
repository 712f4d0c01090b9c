# Course exercises: see README.md.
"""Chapter 6: recurrent neural networks."""
