"""Runs the extension's tests: with pytest when it is installed, else with the standard library's
unittest (the tests are unittest test cases, so either runs them all). Exit status 0 when all pass."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    try:
        import pytest  # noqa: F401
    except ImportError:
        print("pytest is not installed: running the tests with unittest")
        return subprocess.call([sys.executable, "-m", "unittest", "discover", "-v", "-s", HERE,
                                "-t", os.path.dirname(HERE)])
    return subprocess.call([sys.executable, "-m", "pytest", "-q", HERE])


if __name__ == "__main__":
    sys.exit(main())
