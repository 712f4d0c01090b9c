"""Chapter 6: recurrent neural networks."""
