# Course exercises: see README.md.
"""Chapter 7: a small Keras, built on the layers, losses and optimisers of chapters 3, 5, 6 and 8."""
