"""Extracts the placement-lint binary from a wheel built by maturin (`bindings = "bin"`).

    python3 scripts/wheel_binary.py WHEEL OUT_DIR

Writes OUT_DIR/placement-lint (placement-lint.exe for Windows wheels), executable, and prints its
path. The npm packages and the release archives take the binary from the wheel, so every channel
ships the same build.
"""

import os
import stat
import sys
import zipfile


def main(wheel, out_dir):
    with zipfile.ZipFile(wheel) as archive:
        names = [
            name
            for name in archive.namelist()
            if ".data/scripts/" in name
            and os.path.basename(name) in ("placement-lint", "placement-lint.exe")
        ]
        if len(names) != 1:
            sys.exit(f"{wheel}: expected one placement-lint binary in .data/scripts, found {names}")
        os.makedirs(out_dir, exist_ok=True)
        target = os.path.join(out_dir, os.path.basename(names[0]))
        with archive.open(names[0]) as source, open(target, "wb") as sink:
            while chunk := source.read(1 << 20):
                sink.write(chunk)
    mode = os.stat(target).st_mode
    os.chmod(target, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    print(target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
