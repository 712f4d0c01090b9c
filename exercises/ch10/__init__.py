# Course exercises: see README.md.
"""Chapter 10: GPUs with OpenCL (pyopencl; PoCL's CPU device where no GPU is present)."""
