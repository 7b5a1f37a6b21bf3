"""newscrawl: a clean, duplicate-free JSON Lines record of an oncology news site."""

__version__ = "0.1.0"
