"""Shared by the web-quality tests: the page types of the site, and the Nu HTML checker."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Every public page type (demo content); add new page types here and every check covers them.
PAGE_TYPES = {
    "home": "/",
    "research": "/research/",
    "perspective": "/research/statistical/",
    "project list": "/projects/",
    "project list, filtered": "/projects/?perspective=statistical&phase=2",
    "project list, page 2": "/projects/?page=2",
    "project table": "/projects/table/",
    "project table, filtered": "/projects/table/?perspective=application&phase=2",
    "project detail": "/projects/iloco/",
    "people": "/people/",
    "people, filtered": "/people/?perspective=statistical",
    "person": "/people/gitta-kutyniok/",
    "person with photo": "/people/demo-bauer/",
    "apply": "/apply/",
    "call": "/apply/second-funding-period/",
    "event list": "/events/",
    "event detail": "/events/annual-meeting-2023/",
    "event abroad": "/events/session-at-us-conference/",
    "slide deck": "/slides/information-session-phase-2-spp-2298-the-second-funding-period/",
    "news list": "/news/",
    "news year": "/news/2023/",
    "news detail": "/news/2023/annual-meeting-2023-report/",
    "site page": "/about/",
    "search results": "/search/?q=deep+learning",
    "search, one kind": "/search/?q=homology&type=deck",
    "search, nothing found": "/search/?q=aproximation",
    "not found (404)": "/no-such-page/",
}
# The same pages in German (/de/…): German interface around the same content.
GERMAN_PAGE_TYPES = {f"{name} (German)": f"/de{url}" for name, url in PAGE_TYPES.items()}


def vnu_jar():
    for candidate in (os.environ.get("VNU_JAR"), ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def require_validator():
    """Path of vnu.jar and java, or skip (fail when REQUIRE_VALIDATOR is set, as in CI)."""
    jar, java = vnu_jar(), shutil.which("java")
    if jar and java:
        return java, jar
    reason = "Nu HTML checker needs Java and vnu.jar (run `make tools`; Debian: apt-get install default-jre-headless npm)"
    if os.environ.get("REQUIRE_VALIDATOR", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"REQUIRE_VALIDATOR is set: {reason}")
    pytest.skip(reason)


def nu_errors(documents: dict[str, str], folder: Path) -> list[str]:
    """Validate HTML documents with the Nu checker; return its errors as readable lines."""
    java, jar = require_validator()
    paths = {}
    for index, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{index}.html"
        path.write_text(html, encoding="utf-8")
        paths[path.name] = name
    result = subprocess.run(
        [
            java,
            "-Xss4m",
            "-jar",
            jar,
            "--format",
            "json",
            "--stdout",
            *[str(p) for p in folder.glob("page-*.html")],
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{paths.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
