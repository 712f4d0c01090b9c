"""Reference solutions of the deep-learning course (the one source)."""
