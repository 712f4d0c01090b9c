"""Chapter 3: feed-forward neural networks."""
