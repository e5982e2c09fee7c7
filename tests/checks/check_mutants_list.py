#!/usr/bin/env python3
"""Every entry of the mutation list (tests/mutants/*.mutants) still
applies: its text occurs exactly once in its file.  (Running the mutants
is `make mutants`; this only keeps the list from rotting.)"""
import os
import subprocess
import sys

from tree import ROOT
sys.exit(subprocess.run([os.path.join(ROOT, "tools", "mutants"), "--list-only"]).returncode)
