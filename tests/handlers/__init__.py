"""Tests of `handlers/`, one file per module or feature."""
