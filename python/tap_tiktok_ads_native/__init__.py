"""Launcher of the tap-tiktok-ads executable that this wheel carries.

The tap is a C++ program: pip installs it inside this package, beside the libraries and the
time-zone database it brings, because an executable in the scripts folder could not find them.
The `tap-tiktok-ads` command is this function, which replaces itself with the program (same
process id, so Meltano's signals reach the tap directly).
"""

import os
import sys


def executable():
    """Path of the bundled tap-tiktok-ads program."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "tap-tiktok-ads")


def main():
    program = executable()
    try:
        os.execv(program, [program, *sys.argv[1:]])
    except OSError as error:
        sys.stderr.write(
            f"CRITICAL tap-tiktok-ads: cannot run {program}: {error.strerror}; "
            "reinstall the package (pip install --force-reinstall tap-tiktok-ads-native)\n"
        )
        return 1
