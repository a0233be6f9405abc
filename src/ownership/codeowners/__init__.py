"""CODEOWNERS: GitHub-compatible matching (parse.py), drift against the catalog (check.py), and the generated
block `ownership export codeowners` maintains (export.py)."""
