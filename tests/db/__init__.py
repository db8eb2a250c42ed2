"""Tests of `db/`, one file per module or feature."""
