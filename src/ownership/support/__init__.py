"""Helpers every layer may use: atomic writes and paths that stay inside a root (confine), the cache folder
(cachedir), redaction, plural words, close-name hints, bitsets, the forked second core and its pipe (forked,
pickled), the collector pause, memoisation. No I/O of their own beyond what each says; nothing here knows the
catalog, the roster or git."""
