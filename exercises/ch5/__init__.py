# Course exercises: see README.md.
"""Chapter 5: convolutional neural networks."""
