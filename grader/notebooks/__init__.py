"""The nbgrader course: notebooks built from the same sources, and reading notebook submissions."""
