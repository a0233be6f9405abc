"""The analysis layer: pure, a Snapshot in, data out; one module per concept."""
