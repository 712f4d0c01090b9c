"""Chapter 4: computational graphs, a small Theano built with numpy."""
