"""Election records the tests verify: the project's own, and other implementations' in ../shared.

Third-party records are never copied into the project (``external.shared_reference`` finds
them under ``../shared/reference`` and skips, or fails under CI=true, when they are absent).
``record_standard_1x()`` is the 1.x record Nazaha generated itself with electionguard-python 1.4.0;
its ``constants.json`` (the standard parameters, byte for byte the file of MITRE's 1.0 example
record) is not committed but taken from ../shared when the record is assembled.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

from tests.support.external import shared_reference

__all__ = ["RECORDS", "record_standard_1x", "reference_record"]

_RECORD_STANDARD_1X = Path(__file__).resolve().parents[1] / "fixtures" / "eg1x" / "record-standard"

_EG = ("electionguard",)
_MS = (*_EG, "samples", "microsoft-electionguard", "data")
_RECORDS = (*_EG, "records")

RECORDS: dict[str, tuple[str, ...]] = {
    # Microsoft's sample data (microsoft/electionguard data/ @ f0cbcd2).
    "ms-1.0-hamilton": (*_MS, "1.0.0-preview-1", "sample", "hamilton-general", "election_record"),
    "ms-0.95-minimal": (*_MS, "0.95.0", "sample", "minimal", "election_record"),
    "ms-0.95-small": (*_MS, "0.95.0", "sample", "small", "election_record"),
    "ms-0.95-full": (*_MS, "0.95.0", "sample", "full", "election_record"),
    "ms-1.91": (*_MS, "1.91", "sample"),
    # Other implementations' full records (../shared/reference/electionguard/records/README.md).
    "egk-2.0-allAvailableJson": (*_RECORDS, "egk-2.0", "allAvailableJson"),
    "egk-2.0-someAvailableJson": (*_RECORDS, "egk-2.0", "someAvailableJson"),
    "egk-2.0-chainedJson": (*_RECORDS, "egk-2.0", "chainedJson"),
    "egk-ec-allAvailable": (*_RECORDS, "egk-ec", "allAvailable"),
    "egk-ec-someAvailable": (*_RECORDS, "egk-ec", "someAvailable"),
    "core2-1.91": (*_RECORDS, "eg-core2", "ElectionRecord.zip"),
    "mitre-1.0": (*_RECORDS, "mitre-1.0-gitpod", "gitpod", "example"),
    # electionguard-rust's pre-voting artifacts (a partial record).
    "rust-2024": (*_RECORDS, "eg-rust", "example_artifacts"),
    "rust-2023": (*_RECORDS, "eg-rust", "egrust-2023-via-egk"),
}


def reference_record(name: str) -> Path:
    """The path of third-party record ``name`` under ../shared (skips the test when absent)."""
    return shared_reference(*RECORDS[name])


@cache
def record_standard_1x() -> Path:
    """1.0 format, standard parameters, compensated shares, spoiled ballots (``generate_fixture.py``),
    assembled once per process in a temporary folder with ``constants.json`` from ../shared."""
    constants = shared_reference(*RECORDS["mitre-1.0"], "constants.json")
    root = Path(tempfile.mkdtemp(prefix="nazaha-record-standard-")) / "record-standard"
    shutil.copytree(_RECORD_STANDARD_1X, root)
    shutil.copyfile(constants, root / "constants.json")
    return root
