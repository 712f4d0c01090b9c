"""dlgrade: generate exercises, run and grade the course's tests."""
