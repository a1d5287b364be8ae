"""Counts passed, failed and skipped tests from the TRX files dotnet test wrote, and prints one summary line."""
import glob
import os
import sys
import xml.etree.ElementTree as ElementTree

NS = {"trx": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main(results_dir):
    passed = failed = skipped = 0
    files = glob.glob(os.path.join(results_dir, "**", "*.trx"), recursive=True)
    for path in files:
        for result in ElementTree.parse(path).getroot().iterfind(".//trx:UnitTestResult", NS):
            outcome = result.get("outcome", "")
            if outcome == "Passed":
                passed += 1
            elif outcome in ("NotExecuted", "Inconclusive", "Skipped"):
                skipped += 1
            else:
                failed += 1
    if not files:
        failed += 1
        print("no test result files found in " + results_dir, file=sys.stderr)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1])
