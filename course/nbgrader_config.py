"""nbgrader's configuration for the segtutor course: run every nbgrader command from this folder (docs/teaching.md).

The lessons' source versions are in source/<lesson>/<lesson>.ipynb, written by `tools/course.py import`;
their release is the repository's notebooks/ (`tools/course.py release`).
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, Execute, IgnorePattern, LimitOutput, SaveAutoGrades

from segtutor.exercises._nbgrader import SandboxGrades

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)

c.CourseDirectory.course_id = "segtutor"

# The stub the learner's notebooks show in place of each `### BEGIN SOLUTION` ... `### END SOLUTION` region.
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError  # your code here"}

# Autograding runs each submission in a fresh kernel, cell by cell, as nbgrader always does. No grade comes
# from that kernel: SandboxGrades replaces every autograded test cell's outputs with the verdict of the
# exercise's checker, run against the learner's function in a fresh, time- and memory-limited process.
# A cell that runs past Execute.timeout seconds is interrupted and the next one runs: a learner's endless loop
# costs that long once per cell it hangs. The grade never depends on the kernel, so a slow lesson cell that
# is interrupted only shows an error in the feedback; raise the timeout on a slow grading machine.
# The fresh process gets `time_limit` seconds per exercise, besides starting Python and importing torch.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
c.Autograde.autograde_preprocessors = [
    Execute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SandboxGrades(time_limit=20.0, memory_limit=2 * 2**30),
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
