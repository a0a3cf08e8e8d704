"""Headless commands that run plans against Azure: `apply`, `destroy` (and their target choice)."""
