"""The analysis layer: pure judgements over a Snapshot (a Snapshot in, data out), each made in exactly one module.

impact.py      what breaks when a system breaks: the blast radius, dependents, cycles, severity escalation
people.py      who a person is to us now (employed, left, transferred, idle), owners, employed truck factor
successors.py  who should own a system now
rotation.py    who is on call in a catalog rotation at a moment
"""
