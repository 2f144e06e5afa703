"""Summarise a callgrind profile by function (stdlib only).

usage: cg_summary.py CALLGRIND_OUT [TOP]

callgrind_annotate splits a function's cost by the source file its inlined
code came from (e.g. hashbrown's map.rs inside whosaid::mentions::find_mentions);
this sums those pieces per function for self cost (the largest piece is the
inclusive cost) and prints the top functions by self and by
inclusive cost, as percentages of the profiled total.
"""

import collections
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$")


def annotate(path, inclusive):
    args = ["callgrind_annotate", "--auto=no", "--threshold=100", f"--inclusive={'yes' if inclusive else 'no'}", path]
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    total = None
    costs = collections.Counter()
    for line in text.splitlines():
        if line.startswith("-- Auto-annotated") or line.startswith("-- User-annotated"):
            break
        m = LINE.match(line)
        if not m:
            continue
        cost = int(m.group(1).replace(",", ""))
        name = m.group(2)
        if name.startswith("PROGRAM TOTALS"):
            total = cost
            continue
        name = re.sub(r"\s+\[[^\]]*\]$", "", name)  # object file
        # "path/to/file.rs:function" -> "function" ("???:fn" too)
        fn = name.split(":", 1)[1] if re.match(r"^[^:]*(\.\w+|\?\?\?):", name) else name
        if inclusive:
            # The entry under the function's own file already includes the
            # pieces inlined from other files: take the largest, do not add.
            costs[fn] = max(costs[fn], cost)
        else:
            costs[fn] += cost
    return total, costs


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    total, self_costs = annotate(path, False)
    _, incl = annotate(path, True)
    print(f"total instructions: {total:,}")
    print(f"\n-- top {top} by inclusive cost (function + its callees) --")
    shown = 0
    for fn, c in incl.most_common():
        if c >= total and not fn.startswith("whosaid::Pipeline"):
            continue  # main, lang_start, ... (the whole run)
        print(f"{100 * c / total:6.2f}%  {fn}")
        shown += 1
        if shown >= top:
            break
    print(f"\n-- top {top} by self cost --")
    for fn, c in self_costs.most_common(top):
        print(f"{100 * c / total:6.2f}%  {fn}")


if __name__ == "__main__":
    main()
