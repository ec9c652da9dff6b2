"""Where a code in another catalogue leads: the one table of external links, for a condition's
cross-references and for the references an HPO annotation cites."""

from __future__ import annotations

import re

EXTERNAL_LINKS = {
    "ORPHA": "https://www.orpha.net/en/disease/detail/{code}",
    "OMIM": "https://omim.org/entry/{code}",
    "DECIPHER": "https://www.deciphergenomics.org/syndrome/{code}",
    "ICD10": "https://icd.who.int/browse10/2019/en#/{code}",
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/{code}/",
    "DOI": "https://doi.org/{code}",
}
# What a code may look like before it goes into a URL (references come from a file as text).
PLAIN_CODE = re.compile(r"[A-Za-z0-9.]+\Z")
DOI_CODE = re.compile(r"10\.[0-9.]+/\S+\Z")  # the URL is escaped where it is shown


def external_url(scheme: str, code: str) -> str | None:
    """The page for `code` in catalogue `scheme` (ORPHA, OMIM, PMID, DOI…), or None when the
    catalogue has no link here or the code is not one."""
    scheme = scheme.upper()
    template = EXTERNAL_LINKS.get(scheme)
    pattern = DOI_CODE if scheme == "DOI" else PLAIN_CODE
    if template is None or not pattern.match(code):
        return None
    return template.format(code=code)
