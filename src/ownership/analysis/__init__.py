"""The analysis layer: pure judgements over a Snapshot, each made in exactly one module.

people.py      who a person is to us now (employed, left, transferred, idle), owners, employed truck factor
successors.py  who should own a system now
rotation.py    who is on call in a catalog rotation at a moment
"""
