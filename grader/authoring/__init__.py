"""Writing the course: generating stubs, the wrong-answer corpus, selftest, the student release."""
