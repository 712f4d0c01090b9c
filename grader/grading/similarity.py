"""``dlgrade similarity SUBMISSION... --out DIR``: which submissions look alike?

Per chapter and module, every pair of students is compared with
``copydetect`` (winnowed fingerprints of the tokenized code, as MOSS does);
what the released exercise files already contain (docstrings, signatures)
is boilerplate and never counts. Pairs whose similarity exceeds the
threshold go to ``DIR/similarity.html``; where DIR is a ``dlgrade grade``
output folder, its report.html links the page.
"""

from __future__ import annotations

import argparse
import html
import logging
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

from copydetect import CopyDetector

from grader.errors import EXIT_OK, CommandError
from grader.fileio import atomic_write
from grader.grading.outputs import read_class
from grader.grading.report import write_report
from grader.grading.submissions import discover
from grader.paths import EXERCISES, HIDDEN_TESTS, chapters
from grader.staging import stage

CAVEAT = (
    "Short exercises are expected to look alike: many have only a few reasonable ways to be written "
    "(one line of numpy, a formula from the book). Everything the released exercise files contain is ignored. "
    "A high score is a reason to read both files side by side, not evidence of copying."
)


class SimilarityError(CommandError):
    """A wrong argument: one line, exit 2."""


@dataclass
class Pair:
    chapter: str
    module: str
    first: str
    second: str
    first_share: float  # of the first file's fingerprints found in the second
    second_share: float
    tokens: int
    first_code: str  # HTML, copied parts highlighted (escaped by copydetect)
    second_code: str


def compare(staged: Path, students: list[str], chapter: str, threshold: float) -> list[Pair]:
    """The pairs of ``chapter`` above ``threshold``, most similar first."""
    folders = [str(staged / s / chapter) for s in students if (staged / s / chapter).is_dir()]
    if len(folders) < 2:
        return []
    boilerplate = [str(EXERCISES / chapter)] if (EXERCISES / chapter).is_dir() else []
    detector = CopyDetector(
        test_dirs=folders,
        boilerplate_dirs=boilerplate,
        extensions=["py"],
        display_t=threshold,
        same_name_only=True,
        ignore_leaf=True,
        autoopen=False,
        silent=True,
    )
    detector.run()
    if len(detector.similarity_matrix) == 0:
        return []
    pairs = []
    for found in detector.get_copied_code_list():
        first_share, second_share, first, second, first_code, second_code, tokens = found
        first, second = Path(first), Path(second)
        if second.parent.parent.name < first.parent.parent.name:  # one order for a pair, so a report is reproducible
            first, second = second, first
            first_share, second_share, first_code, second_code = second_share, first_share, second_code, first_code
        pairs.append(
            Pair(
                chapter,
                first.stem,
                first.parent.parent.name,
                second.parent.parent.name,
                float(first_share),
                float(second_share),
                int(tokens),
                first_code,
                second_code,
            )
        )
    pairs.sort(key=lambda p: (-max(p.first_share, p.second_share), -p.tokens, p.module, p.first, p.second))
    return pairs


def page(pairs: dict[str, list[Pair]], students: int, threshold: float) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Similarity</title><style>",
        "body{font-family:system-ui,sans-serif;margin:1.5em}td,th{padding:2px 8px;border:1px solid #ddd}"
        "table{border-collapse:collapse}pre{font-size:.75em;max-height:30em;overflow:auto;background:#f6f6f6}"
        ".highlight-red{background:#fbb}.highlight-green{background:#bfb}.caveat{background:#ffd;padding:.5em}",
        "</style></head><body><h1>Similarity between submissions</h1>",
        f"<p class='caveat'>{e(CAVEAT)}</p>",
        f"<p>{students} students compared per chapter and file; pairs where more than {threshold:.0%} of one "
        "file's fingerprints appear in the other. Share: of the first student's file, then of the second's. "
        "Highlighted: the matching parts.</p>",
    ]
    for chapter, found in pairs.items():
        parts.append(f"<h2>{e(chapter)}</h2>")
        if not found:
            parts.append("<p>No pair above the threshold.</p>")
            continue
        parts.append("<table><tr><th>file</th><th>students</th><th>share</th><th>matching tokens</th></tr>")
        for pair in found:
            parts.append(
                f"<tr><td>{e(pair.module)}.py</td><td>{e(pair.first)} · {e(pair.second)}</td>"
                f"<td>{pair.first_share:.0%} · {pair.second_share:.0%}</td><td>{pair.tokens}</td></tr>"
                f"<tr><td colspan='4'><details><summary>side by side</summary><table><tr>"
                f"<th>{e(pair.first)}</th><th>{e(pair.second)}</th></tr><tr><td><pre>{pair.first_code}</pre></td>"
                f"<td><pre>{pair.second_code}</pre></td></tr></table></details></td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def run(args: argparse.Namespace) -> int:
    available = chapters(HIDDEN_TESTS)
    selected = args.chapters or available
    unknown = [c for c in selected if c not in available]
    if unknown:
        raise SimilarityError(f"no hidden suite for {', '.join(unknown)} (have: {', '.join(available)})")
    if not (0 < args.threshold < 1) or math.isnan(args.threshold):
        raise SimilarityError(f"--threshold must be between 0 and 1, not {args.threshold:g}")
    missing = [str(p) for p in args.submissions if not p.is_dir()]
    if missing:
        raise SimilarityError(f"no such folder: {', '.join(missing)}")
    if args.out.exists() and not args.out.is_dir():
        raise SimilarityError(f"--out {args.out} exists and is not a folder")
    submissions = [s for s in discover(args.submissions) if not s.problem]
    logging.getLogger().setLevel(logging.CRITICAL)  # copydetect logs an error for a chapter nobody did
    with tempfile.TemporaryDirectory(prefix="dlgrade-similarity-") as scratch:
        staged = Path(scratch)
        for submission in submissions:
            stage(submission.folder, staged / submission.student)
        students = [s.student for s in submissions]
        pairs = {chapter: compare(staged, students, chapter, args.threshold) for chapter in selected}
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "similarity.html", page(pairs, len(students), args.threshold))
    if (out / "report.html").is_file():
        write_report(out / "report.html", read_class(out))  # now with a link to the page
    for chapter, found in pairs.items():
        print(f"{chapter}: {len(found)} pairs above {args.threshold:.0%}")
    print(f"similarity: {out / 'similarity.html'}\n{CAVEAT}")
    return EXIT_OK
