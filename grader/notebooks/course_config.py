"""``nbgrader_config.py`` of a course written by ``dlgrade nbgrader``: headless, quiet, safe feedback."""

from __future__ import annotations

CONFIG_HEADER = "# nbgrader configuration written by `dlgrade nbgrader`."
CELL_TIMEOUT_S = 300  # each cell at autograde (a test cell keeps within it: the notebook runner's limits)

CONFIG = (
    CONFIG_HEADER
    + r"""
# Rebuilding the course rewrites this file unless you remove the line above.
import os
import warnings

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    OverwriteCells,
    OverwriteKernelspec,
)

c = get_config()  # noqa: F821 (given by nbgrader)

# nbgrader 0.9 with SQLAlchemy 2 warns "Object of type <SubmittedAssignment> not in
# session, add operation along ... will not proceed" while it records a new
# submission; the submission is recorded all the same (nbgrader issue #1893).
warnings.filterwarnings("ignore", message=".*not in session, add operation along", module="nbgrader")

# ipykernel 7 warns "Kernel is running over TCP without encryption" each time a
# notebook is run: the kernel listens on this machine only, for this one run.
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = here
# The gradebook lives inside the course folder (SQLite: autograde one student at a time).
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")

# Every cell gets this long at autograde; a test cell runs all of an exercise's hidden tests.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True

# A grade cell a student deleted comes back from the gradebook instead of failing the notebook.
c.OverwriteCells.add_missing_cells = True

# nbgrader scores a test cell 0 when it writes anything to stderr. pytest captures
# what the tests print; this removes whatever else reaches stderr (a library's
# warning at import, a student's debug print) so that a correct answer keeps its
# points, as with `dlgrade grade`.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]"

# A student's runaway print loop must not make the feedback unreadable.
c.LimitOutput.max_lines = 300
c.LimitOutput.max_traceback = 60

# Autograde overwrites every file of source/<chapter>/ in the student's copy with
# the instructor's (dlgrade_runner.py, dlgrade_testing.py): a student cannot
# change how they are graded. Nothing a student writes outside the notebook is
# graded, so no file is excluded from that.
c.Autograde.exclude_overwriting = {{}}



class RestoreHiddenTests(OverwriteCells):
    '''Stock OverwriteCells, quiet where a test cell comes back exactly as released.

    A released test cell lacks its hidden tests, so stock autograde warns
    "Attribute 'checksum' for cell ... has changed!" for every such cell of
    every student while it restores them. Here a cell equal to its released
    form is restored without that warning; a locked cell a student really
    edited still gets it (and is restored all the same).
    '''

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {{}}).get("grade_id")
        if grade_id and cell.metadata.nbgrader.get("locked"):
            try:
                source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except Exception:  # nbgrader itself reports a cell it does not know
                source = None
            if source is not None and cell.source == _released(source.source):
                cell.source = source.source
        return super().preprocess_cell(cell, resources, cell_index)


def _released(text):
    '''A cell's text as generate_assignment releases it: hidden-test regions removed.'''
    kept, hidden = [], False
    for line in text.split("\n"):
        if "BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    RestoreHiddenTests,
    CheckCellMetadata,
]

# Stock generate_feedback shows the hidden tests (and the reference they embed):
# remove them from feedback, as generate_assignment does from the release.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
"""
)


def config_text(course_id: str = "dlcourse", timeout: int = CELL_TIMEOUT_S) -> str:
    return CONFIG.format(course_id=course_id, timeout=timeout)
