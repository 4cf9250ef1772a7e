"""``python -m infobits``: the same command line as the ``infobits`` script."""

from infobits.cli import main

main()
