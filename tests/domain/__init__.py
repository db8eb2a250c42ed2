"""Tests of `domain/`, one file per module or feature."""
