"""Configuration: settings from the environment, the award catalogue and calendar overrides."""

from config.settings import ROOT, Settings, SettingsError, load_settings

__all__ = ["ROOT", "Settings", "SettingsError", "load_settings"]
