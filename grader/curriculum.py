"""The order in which a chapter's modules are taught, as the curriculum fixes it.

Used to sort tests and progress tables so that "next exercise" follows the
course, not the alphabet. Exercises inside a module follow its test file.
"""

from grader.paths import chapter_number, is_chapter

MODULE_ORDER = {
    "ch2": ["regression"],
    "ch3": ["layers", "losses", "gradcheck", "network", "toy_models"],
    "ch4": ["graph", "models"],
    "ch5": ["conv", "pool", "cnn"],
    "ch6": ["rnn", "lstm", "sequence"],
    "ch7": ["model"],
    "ch8": ["optim", "schedules", "training", "normalization", "preprocessing", "esgd", "parallel"],
    "ch9": ["numerical", "forward_mode", "reverse_mode"],
    "ch10": ["opencl"],
}


def sort_key(chapter: str, module: str) -> tuple[int, int, str]:
    """Rank of ``chapter/module`` in the course; unknown modules go last."""
    number = chapter_number(chapter) if is_chapter(chapter) else 999
    order = MODULE_ORDER.get(chapter, [])
    return (number, order.index(module) if module in order else len(order), module)
