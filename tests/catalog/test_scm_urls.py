"""Backstage source annotations → clone URL and paths, one row per real-world address shape; and no annotation
ever yields an address git would run or read as an option (the unsafe-repository-url rule's own check)."""
from __future__ import annotations

import pytest

from ownership.catalog import scm_urls
from ownership.catalog.load import load_sources
from ownership.catalog.scm_urls import CodeLocation
from ownership.history import git

SOURCE_LOCATIONS = [
    # GitHub
    ("url:https://github.com/backstage/backstage/tree/master/plugins/catalog/",
     CodeLocation("https://github.com/backstage/backstage", ("plugins/catalog/",))),
    ("url:https://github.com/acme/mono/tree/main/services/api",
     CodeLocation("https://github.com/acme/mono", ("services/api",))),
    ("url:https://github.com/acme/mono/blob/main/services/api/catalog-info.yaml",
     CodeLocation("https://github.com/acme/mono", ("services/api/catalog-info.yaml",))),
    ("url:https://github.com/acme/ledger/tree/main/", CodeLocation("https://github.com/acme/ledger")),
    ("url:https://github.com/acme/ledger", CodeLocation("https://github.com/acme/ledger")),
    ("url:https://github.com/acme/ledger.git", CodeLocation("https://github.com/acme/ledger")),
    ("https://github.com/acme/ledger/", CodeLocation("https://github.com/acme/ledger")),
    # GitHub Enterprise: any host with /tree/ or /blob/
    ("url:https://ghe.acme.test/payments/api/tree/release-2.1/src",
     CodeLocation("https://ghe.acme.test/payments/api", ("src",))),
    ("url:https://git.acme.test:8443/team/repo/blob/main/README.md",
     CodeLocation("https://git.acme.test:8443/team/repo", ("README.md",))),
    # GitLab, with and without subgroups
    ("url:https://gitlab.com/group/sub/deeper/repo/-/tree/main/path/to/dir",
     CodeLocation("https://gitlab.com/group/sub/deeper/repo", ("path/to/dir",))),
    ("url:https://gitlab.com/group/sub/repo/-/blob/main/catalog-info.yaml",
     CodeLocation("https://gitlab.com/group/sub/repo", ("catalog-info.yaml",))),
    ("url:https://gitlab.acme.test/platform/ingress/-/tree/main/", CodeLocation("https://gitlab.acme.test/platform/ingress")),
    ("url:https://gitlab.com/group/sub/repo", CodeLocation("https://gitlab.com/group/sub/repo")),
    # Bitbucket Cloud
    ("url:https://bitbucket.org/acme-ws/billing/src/main/services/invoice/",
     CodeLocation("https://bitbucket.org/acme-ws/billing", ("services/invoice/",))),
    ("url:https://bitbucket.org/acme-ws/billing/src/3f2a9c1/", CodeLocation("https://bitbucket.org/acme-ws/billing")),
    ("url:https://bitbucket.org/acme-ws/billing", CodeLocation("https://bitbucket.org/acme-ws/billing")),
    # Bitbucket Server / Data Center, also below a context path and for personal repositories
    ("url:https://bitbucket.acme.test/projects/PAY/repos/gateway/browse/src/main?at=refs%2Fheads%2Fmaster",
     CodeLocation("https://bitbucket.acme.test/scm/pay/gateway.git", ("src/main",))),
    ("url:https://bitbucket.acme.test/projects/PAY/repos/gateway/browse",
     CodeLocation("https://bitbucket.acme.test/scm/pay/gateway.git")),
    ("url:https://code.acme.test/bitbucket/projects/OPS/repos/infra/browse/terraform/",
     CodeLocation("https://code.acme.test/bitbucket/scm/ops/infra.git", ("terraform/",))),
    ("url:https://bitbucket.acme.test/users/JDOE/repos/tools/browse",
     CodeLocation("https://bitbucket.acme.test/scm/~jdoe/tools.git")),
    # Azure DevOps
    ("url:https://dev.azure.com/acme/Payments/_git/gateway?path=/services/api&version=GBmain",
     CodeLocation("https://dev.azure.com/acme/Payments/_git/gateway", ("services/api",))),
    ("url:https://dev.azure.com/acme/Payments/_git/gateway?path=/&version=GBmain",
     CodeLocation("https://dev.azure.com/acme/Payments/_git/gateway")),
    ("url:https://dev.azure.com/acme/Payments/_git/gateway", CodeLocation("https://dev.azure.com/acme/Payments/_git/gateway")),
    ("url:https://acme.visualstudio.com/Payments/_git/gateway?path=%2Fsrc",
     CodeLocation("https://acme.visualstudio.com/Payments/_git/gateway", ("src",))),
    # ssh addresses, as some catalogs write them
    ("url:git@github.com:acme/ledger.git", CodeLocation("git@github.com:acme/ledger.git")),
    ("url:ssh://git@git.acme.test:2222/acme/ledger.git", CodeLocation("ssh://git@git.acme.test:2222/acme/ledger.git")),
]

REFUSED = [
    "dir:.",  # a folder next to the descriptor, not a repository
    "url:ext::sh -c touch% /tmp/pwned",
    "ext::sh -c id",
    "url:fd::17",
    "url:file:///etc/passwd",
    "file:///srv/git/repo.git",
    "url:-uhack",
    "--upload-pack=touch /tmp/x",
    "url:git@-oProxyCommand=x:acme/repo",
    "url:ssh://-oProxyCommand=x/acme/repo",
    "url:http://github.com/acme/ledger",  # plain http: only https or ssh
    "url:https://github.com/acme/../../etc/tree/main/x",
    "url:https://github.com/-acme/repo",
    "url:https://github.com",
    "url:https://github.com/acme",
    "url:https://dev.azure.com/acme/Payments/_git/gateway?path=/../../x",
    "url:/srv/git/repo",
    "url:",
    "",
]


@pytest.mark.parametrize("value, expected", SOURCE_LOCATIONS)
def test_source_location_shapes_give_the_clone_url_and_path(value: str, expected: CodeLocation) -> None:
    got = scm_urls.source_location(value)
    assert got == expected
    assert git.check_url(got.url) is None


@pytest.mark.parametrize("value", REFUSED)
def test_values_that_are_not_a_safe_repository_address_give_nothing(value: str) -> None:
    assert scm_urls.source_location(value) is None


@pytest.mark.parametrize("value, expected", [
    ("backstage/backstage", CodeLocation("https://github.com/backstage/backstage")),
    ("redhat-developer/rhdh", CodeLocation("https://github.com/redhat-developer/rhdh")),
    ("/acme/ledger.git/", CodeLocation("https://github.com/acme/ledger")),
    ("acme", None), ("acme/../x", None), ("-acme/x", None), ("acme/x y", None), ("acme/x/extra", None),
])
def test_project_slug(value: str, expected: CodeLocation | None) -> None:
    assert scm_urls.project_slug(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("dir:.", "."),
    ("dir:./docs", "./docs"),
    ("url:https://github.com/redhat-developer/rhdh", CodeLocation("https://github.com/redhat-developer/rhdh")),
    ("url:https://gitlab.com/g/s/r/-/tree/main/docs", CodeLocation("https://gitlab.com/g/s/r", ("docs",))),
    ("dir:/etc", None), ("dir:", None), ("url:file:///x", None), ("docs", None),
])
def test_techdocs_ref_is_recognised(value: str, expected: CodeLocation | str | None) -> None:
    assert scm_urls.techdocs_ref(value) == expected


def component(annotations: str) -> str:
    return ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n  annotations:\n"
            f"{annotations}spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
            "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
            "spec:\n  type: team\n  children: []\n")


def test_the_loader_takes_repositories_from_source_location_and_project_slug_together() -> None:
    text = component("    backstage.io/source-location: url:https://github.com/acme/mono/tree/main/svc/api/\n"
                     "    github.com/project-slug: acme/mono\n")
    cat, findings = load_sources([("c.yaml", text)])
    assert findings == []
    (repo,) = cat.systems["api"].repos
    assert (repo.url, repo.paths, repo.location and repo.location.line) == ("https://github.com/acme/mono",
                                                                            ("svc/api/",), 6)


def test_an_unusable_source_annotation_is_a_warning_at_its_line_without_its_value() -> None:
    text = component("    backstage.io/source-location: url:ext::sh -c id\n"
                     "    backstage.io/techdocs-ref: somewhere\n")
    cat, findings = load_sources([("c.yaml", text)])
    assert cat.systems["api"].repos == ()
    got = sorted((f.location.line if f.location else 0, f.rule, f.severity, f.evidence["field"]) for f in findings)
    assert got == [(6, "invalid-value", "warning", "backstage.io/source-location"),
                   (7, "invalid-value", "warning", "backstage.io/techdocs-ref")]
    assert not any("ext::" in f.message or "somewhere" in f.message for f in findings)


def test_dir_source_location_and_techdocs_ref_are_accepted_quietly() -> None:
    text = component("    backstage.io/source-location: dir:.\n    backstage.io/techdocs-ref: dir:.\n")
    cat, findings = load_sources([("c.yaml", text)])
    assert findings == [] and cat.systems["api"].repos == ()
