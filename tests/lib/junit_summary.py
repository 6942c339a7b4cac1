"""Print one line "N passed, N failed" for every JUnit XML file in a directory (Boost.Test's and
pytest's). Exit status 1 when anything failed or errored, or no test ran at all."""

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def count(path):
    """Return (passed, failed, skipped) for one JUnit XML file; an unreadable file is 1 failed."""
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError:
        return 0, 1, 0
    passed = failed = skipped = 0
    cases = list(root.iter("testcase"))
    if not cases:
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
        return 0, failed, 0
    for case in cases:
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main(directory):
    totals = [0, 0, 0]
    for path in sorted(Path(directory).glob("*.xml")):
        passed, failed, skipped = count(path)
        print(f"  {path.stem}: {passed} passed, {failed} failed, {skipped} skipped")
        totals = [t + n for t, n in zip(totals, (passed, failed, skipped))]
    passed, failed, skipped = totals
    line = f"{passed} passed, {failed} failed"
    print(line + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
