# Course exercises: see README.md.
"""Chapter 2: machine-learning fundamentals: least squares, polynomial features, regularisation, generalisation."""
