"""What a ``dlgrade`` command's exit status means, and the error that sets it.

- 0 ``EXIT_OK``: done, nothing failed;
- 1 ``EXIT_FAILURES``: done, and it found failures (tests that fail in
  ``check``, a hidden suite that cannot fail in ``selftest``, ``exercises/``
  out of date in ``sync --check``, submissions that could not be graded in
  ``grade``, a release that would give answers away);
- 2 ``EXIT_USAGE``: not done: a wrong argument or unusable input (unknown
  chapter, missing folder, malformed solution markers, git missing);
- 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CommandError(Exception):
    """An expected failure, told in one line without a traceback; the command exits with ``code``."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code
