"""Chat sinks: where ownership posts (Slack's incident room). Not on-call providers: they say nothing about who
is on call (ownership.oncall)."""
