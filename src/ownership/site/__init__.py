"""`ownership site`: the catalog as a static website that needs no server (docs/site.md).

build.py shapes the answers of the rest of the tool into page data, people.py gathers the people and their
slugs, index.py the search index and headline numbers, writer.py renders the jinja2 templates into a folder.
"""
