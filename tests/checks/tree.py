"""What the tree checks (check_*.py) share: the repository's root, reading
a file of it, and the verdict from a list of disagreements."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(rel):
    """The text of a file, named from the repository's root."""
    with open(os.path.join(ROOT, rel)) as f:
        return f.read()


def report(bad):
    """One line per disagreement; the exit status: 0 when there is none."""
    for line in bad:
        print(line)
    return 1 if bad else 0
