"""Chapter 5: convolutional neural networks."""
