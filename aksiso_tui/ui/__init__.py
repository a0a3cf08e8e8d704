"""The Textual wizard: the only package that imports `textual` (see `run.run_wizard`)."""
