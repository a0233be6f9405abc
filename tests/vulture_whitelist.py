"""Names in src/ownership that vulture cannot see used: read by vulture (pyproject [tool.vulture], run by
tests/test_lint.py), never imported. Each entry says who uses it. Dead code is deleted, not listed here.
"""
# ruff: noqa

# -- named as "module:function" strings in a settings table and imported lazily (config.SECTIONS)
check_fail_on  # config.py, SECTIONS["fail_on"]
check_catalog  # config.py, SECTIONS["catalog"]
check_external_owners  # config.py, SECTIONS["external_owners"]
check_globs  # config.py, SECTIONS["include"] and ["exclude"]
check_roster  # config.py, SECTIONS["roster"]
check_aliases  # roster/settings.py, SECTIONS["aliases"]
check_team_map  # roster/settings.py, SECTIONS["team_map"]
check_mailmap  # roster/settings.py, SECTIONS["mailmap"]
check_shrink_limit  # roster/settings.py, SECTIONS["roster_shrink_limit"]
check_columns  # roster/settings.py, SECTIONS["roster_columns"]
check_scim  # roster/settings.py, SECTIONS["scim"]
globs  # configschema.py, the JSON Schema of SECTIONS["include"] and ["exclude"]
roster_columns  # configschema.py, the JSON Schema of SECTIONS["roster_columns"]

# -- the output format registries' entries, named as "module:function" strings and imported on first use
# (render/__init__.py: `render.PAGE["text"]` loads render/routing.py only when a page is printed)
drawn_svg  # render/pictures.py, render.IMPACT["svg"]
drill_text, drill_markdown, drill_json  # render/drill.py, render.DRILL
text_report, json_report, github_report, sarif_report, markdown_report  # render/findings.py, render.FINDINGS
suggest_text, suggest_json, offboard_text, offboard_json  # render/person.py, render.SUGGEST, render.OFFBOARD
person_text, person_json  # render/person.py, render.PERSON
scan_text, scan_json  # render/scan.py, render.SCAN
room_slack  # render/slack.py, render.ROOM["slack"]
REGISTRIES  # render/__init__.py: every registry by name, for docs and tests/render/test_registries.py

# -- Protocols: the shape a record or plug-in has, never instantiated
Problem  # analysis/problems.py: what Finding, drill's Gap and game day's RoomGap share (docs/problems.md)

# -- methods and attributes a library calls or reads (overrides)
_.ignore_aliases  # catalog/export.py _Dumper: PyYAML's Representer asks it
_.get_usage_pieces  # cli.py _LegacyPaths: click's usage line asks it
_.ConnectionCls  # httpget.py pools: urllib3's HTTPConnectionPool builds its connections from it
_.trust_env  # netpolicy.py: requests.Session reads it (no proxy, no ~/.netrc)

# -- read by the Jinja templates (src/ownership/site/templates)
_.href  # site/build.py ReportLink: index.html
_.owns_nothing  # site/directory.py: person.html
_.person_html  # site/views.py Links: team.html, system.html, macros.html
_.team_html  # site/views.py Links: team.html, index.html, person.html, system.html
_.system_html  # site/views.py Links: team.html, index.html, person.html, system.html
_.contributor  # site/views.py Links: system.html

# -- public helpers that only code outside src/ calls
discover  # catalog/load.py: the files a catalog consists of; tests/catalog/test_cache.py
write_repos  # demo/history.py: the demo's git repositories; bench/scan.py and tests/audit, tests/demo
doa  # history/authorship.py: the DOA formula authors() inlines; tests/history/test_authorship.py checks both agree
_.new_commits  # history/state.py RepoScan: how much an incremental scan read; tests/history/test_incremental.py
