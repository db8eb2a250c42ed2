"""CLI subcommands, one module each.

A module defines NAME, HELP, `add_arguments(parser)` and `async run(settings, args) -> int`.
"""
