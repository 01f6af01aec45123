"""Progress of long commands: on a terminal, a bar with counts and time left (tqdm, on standard
error); anywhere else (cron, a log file) no bar at all, and the command's plain lines say what
happened."""

import sys

from tqdm import tqdm


def bar(*, total: int | None, desc: str, unit: str = "item") -> tqdm:
    # disable=None: tqdm turns itself off when standard error is not a terminal.
    return tqdm(total=total, desc=desc, unit=unit, disable=None, file=sys.stderr)
