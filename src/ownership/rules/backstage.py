"""Findings the Backstage reader emits: Backstage's own validation of each descriptor (catalog/backstage_valid.py)
and following Location entities (catalog/backstage.py)."""
from __future__ import annotations

from ownership.rules.registry import Rule, declared

LOCATION_NOT_FOUND = declared("location-not-found", "error", "catalog", """
    A Backstage Location entity targets a file that does not exist, cannot be read, or a glob that matches
    no file.

    Targets are relative to the file the Location is written in; globs (`./systems/*.yaml`, `**`) are
    expanded. The finding points at the target line.
    """)
LOCATION_NOT_FOLLOWED = declared("location-not-followed", "warning", "catalog", """
    A Backstage Location target is a URL (`type: url`, or an `https://…` target). Loading never touches the
    network, so the entities behind it are not in the catalog; check the file into the catalog folder, or
    point at it with a relative path.
    """)
LOCATION_OUTSIDE_ROOT = declared("location-outside-root", "error", "catalog", """
    A Backstage Location target is outside the catalog root: an absolute path, a `..` that climbs out, a
    symlink that resolves outside, or a file in the `.git` folder. The file is not read, and nothing of it is
    quoted; the finding points at the target line.

    The catalog root is the git work tree the catalog files are in (the nearest folder above them holding
    `.git`); for files outside any work tree it is the deepest folder holding all the files given on the
    command line. Globs walk only inside the folder they start from and never follow symlinked folders.
    """)

BACKSTAGE_MISSING_FIELD = declared("backstage-missing-field", "error", "catalog", """
    A Backstage descriptor lacks a field Backstage requires, so Backstage rejects the entity and so does this
    tool (it is not read into the catalog).

    Required everywhere: `apiVersion`, `kind`, `metadata.name`, and `spec` (also for User and Location).
    By kind: Component `spec.type`, `spec.lifecycle`, `spec.owner`; API those and `spec.definition`;
    Resource `spec.type`, `spec.owner`; System and Domain `spec.owner`; Group `spec.type` and
    `spec.children` (`children: []` for a team without child groups); User `spec.memberOf` (`[]` for none);
    a link's `url`. The finding points at the mapping the field belongs in.
    """)
BACKSTAGE_INVALID_FIELD = declared("backstage-invalid-field", "error", "catalog", """
    A Backstage descriptor's field has a value Backstage's validators reject, so the entity is not read.

    As `@backstage/catalog-model` checks them: names are 1-63 letters, digits, `-`, `_` or `.`, starting and
    ending with a letter or digit, and must be strings (`name: 12345` is a number: quote it); namespaces are
    lowercase DNS labels; tags are lowercase words of letters, digits, `+`, `#` or `:` joined by `-` (not
    `Java`, not `go 1.15.3`); label and annotation values are strings (`replicas: "3"`), label values and
    the name part of label and annotation keys follow the name rule; a link's `url` is a URL with a scheme,
    whatever its title; `title`, a link's `title` and `icon`, and every `spec` reference are non-empty
    strings (`owner: [team-a]` is a list: write `owner: team-a`); `spec.dependsOn`, `memberOf`, `children`
    and the like are lists of strings. Values are typed as YAML 1.2 reads them, as Backstage does: `yes` is
    the string "yes", `1.0` a number. The finding points at the field's key (or list item).
    Until this rule, a bad `metadata.name` or `metadata.namespace` of a Backstage entity was reported as
    `invalid-value`; it is now reported here.
    """)
BACKSTAGE_FOREIGN_FIELD = declared("backstage-foreign-field", "error", "catalog", """
    A Backstage descriptor has a top-level key other than `apiVersion`, `kind`, `metadata` and `spec`
    (usually one that belongs under `metadata` or `spec`, or `relations`/`status`, which only the catalog
    itself writes). Backstage rejects the entity, and so does this tool.
    """)
BACKSTAGE_UNKNOWN_KIND = declared("backstage-unknown-kind", "error", "catalog", """
    A descriptor names a Backstage catalog kind in a way Backstage does not read: the kind in the wrong case
    (`kind: component`; kinds are case-sensitive: Component, Resource, System, API, Group, User, Domain,
    Location), or a catalog kind with an `apiVersion` other than `backstage.io/v1alpha1` or
    `backstage.io/v1beta1`. Backstage rejects it ("no processor recognized the entity"). Until this rule
    such a document was a `unsupported-format` warning and silently dropped.
    """)
BACKSTAGE_SKIPPED_KIND = declared("backstage-skipped-kind", "info", "catalog", """
    Documents of a kind that is not a catalog entity here: Scaffolder Templates
    (`scaffolder.backstage.io/v1beta3`) and custom kinds, which Backstage reads through plugins. They are
    counted and skipped, one line per kind and apiVersion: "3 Template documents
    (scaffolder.backstage.io/v1beta3) are not catalog entities; skipped"; evidence lists the files. A
    document of such a kind that Backstage's entity policies reject (a bad name, a foreign root field) is
    reported under the rules above instead.
    """)

RULES: tuple[Rule, ...] = (BACKSTAGE_MISSING_FIELD, BACKSTAGE_INVALID_FIELD, BACKSTAGE_FOREIGN_FIELD,
                           BACKSTAGE_UNKNOWN_KIND, BACKSTAGE_SKIPPED_KIND, LOCATION_NOT_FOUND, LOCATION_NOT_FOLLOWED, LOCATION_OUTSIDE_ROOT)
