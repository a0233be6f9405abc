"""The catalog source: native and Backstage descriptors read into the model (load.py), the JSON Schema and field
specification (schema.py), the YAML front end (yamlnodes.py), Backstage export and surgical edits."""

# The settings file that may sit in a catalog folder: never read as a catalog file (load.py), and where
# config.py looks for ownership.yaml.
CONFIG_NAMES = ("ownership.yaml", "ownership.yml", ".ownership.yaml")
