"""`python -m echoorg ...`: the same as the `echoorg` command (echoorg.cli)."""

from echoorg.cli import main

if __name__ == "__main__":
    main()
