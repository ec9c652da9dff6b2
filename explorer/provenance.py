"""What every download and API answer says about itself: the HPO release and licence, and that
it is not a diagnosis."""

from __future__ import annotations

from .context_processors import latest_release

HPO_URL = "http://www.human-phenotype-ontology.org"
NOT_A_DIAGNOSIS = (
    "For learning, not for diagnosis. These are conditions whose sources mention the features, "
    "with what each source records; the order is not a likelihood. If you are worried about your "
    "health, talk to a doctor, nurse or pharmacist; in an emergency, call your local emergency number."
)


def hpo_version() -> str:
    """The imported HPO release, or "" when only curated content is loaded."""
    release = latest_release()
    return release.version if release else ""


def licence_notice() -> str:
    """The HPO's required notice, worded as the pages word it (includes/hpo_notice.html)."""
    version = hpo_version() or "as curated by our editors; no full release imported"
    return (
        f"This service uses the Human Phenotype Ontology (version {version}). "
        f"Find out more at {HPO_URL}"
    )
