"""Grading a class: submissions, running the hidden suites, scores, outputs, the report."""
