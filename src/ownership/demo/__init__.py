"""The embedded example org: the bundled catalog and roster, plus generated git repositories (history.py),
materialised into a working folder by run.py for `ownership demo`."""
