"""Where a cold build's CPU goes: ``sampling.py`` run as a script (see its documentation).

    .venv/bin/python benchmarks/profile.py [--rate HZ] [--out FILE] [--raw FILE]
"""

from sampling import main  # benchmarks/ is the script's folder, first on sys.path

if __name__ == "__main__":
    raise SystemExit(main())
