"""Tests of `config/`, one file per module or feature."""
