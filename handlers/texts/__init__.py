"""The catalogue of every user-facing string, in Vietnamese with full diacritics.

One module per feature; handlers import `from handlers.texts import lookup as t`.
"""
