"""The second process of a big import: reads and checks the CSV while the importer writes.

Started by handlers.dossier_import (`python -m handlers.import_reader`): the job comes pickled
on stdin, the checked chunks go to stdout in marshal's format (`read_in_child`).
"""

from __future__ import annotations

import gc
import sys

from handlers.dossier_import import read_in_child

if __name__ == "__main__":
    # This process only reads: it makes no reference cycles worth collecting, while the
    # collector would walk each chunk's rows again and again as they are built.
    gc.disable()
    read_in_child(sys.stdin.buffer, sys.stdout.buffer)
