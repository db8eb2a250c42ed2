"""Tests of `bot/`, one file per module or feature."""
