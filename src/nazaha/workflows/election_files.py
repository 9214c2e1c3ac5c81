"""Writing and loading the public description of an election (parameters, manifest, keys).

The same files open an election record and a workspace. Loading checks everything that
enters from outside before use: the manifest is canonical, every guardian key and proof checks
out (Verification 2), and the published hashes and joint keys equal those recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.ceremony.context import build_context
from nazaha.ceremony.keys import check_guardian_public_key
from nazaha.election.context import ElectionContext
from nazaha.election.eligibility import OPEN, Eligibility, EligibilityMode
from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.errors import CeremonyError, ManifestError, RecordFormatError
from nazaha.record.codec import (
    ElectionHashes,
    decode_guardian,
    decode_hashes,
    decode_parameters,
    encode_guardian,
    encode_hashes,
    encode_parameters,
)
from nazaha.record.eligibility import (
    CREDENTIALS,
    DEVICES,
    ELIGIBILITY,
    decode_credentials,
    decode_devices,
    decode_eligibility,
    encode_credentials,
    encode_devices,
    encode_eligibility,
)

__all__ = ["election_files", "eligibility_files", "eligibility_of", "load_context"]

PARAMETERS = "parameters.json"
MANIFEST = "manifest.json"
HASHES = "hashes.json"


def guardian_file(index: int) -> str:
    return f"guardians/guardian_{index}.json"


def election_files(context: ElectionContext) -> dict[str, bytes]:
    """The public files that describe ``context``, by relative name."""
    group = context.group
    files = {
        PARAMETERS: encode_parameters(context.parameters),
        MANIFEST: context.manifest.canonical_bytes,
        HASHES: encode_hashes(
            group,
            ElectionHashes(
                parameter_hash=context.parameter_hash,
                base_hash=context.base_hash,
                extended_hash=context.extended_hash,
                vote_key=context.vote_key,
                data_key=context.data_key,
            ),
        ),
    }
    for guardian in context.guardians:
        files[guardian_file(guardian.index)] = encode_guardian(group, guardian)
    return files


def load_context(read: Callable[[str], bytes]) -> ElectionContext:
    """Load and check the public election files through ``read(name) -> bytes``."""
    parameters, version = decode_parameters(read(PARAMETERS))
    if version != "2.1.0":
        raise RecordFormatError(f"{PARAMETERS}: spec_version", f"unsupported version {version!r}")
    group = parameters.group
    parameter_hash = parameter_base_hash(parameters)
    try:
        manifest = parse_manifest(read(MANIFEST), require_canonical=True)
    except ManifestError as error:
        raise RecordFormatError(f"{MANIFEST}: {error.field}", error.problem) from None
    guardians = []
    for index in range(1, parameters.guardians + 1):
        name = guardian_file(index)
        guardian = decode_guardian(read(name), group, name)
        if guardian.index != index:
            raise RecordFormatError(f"{name}: index", f"expected {index}, got {guardian.index}")
        try:
            check_guardian_public_key(parameters, parameter_hash, guardian)
        except CeremonyError as error:
            raise RecordFormatError(name, str(error)) from None
        guardians.append(guardian)
    context = build_context(parameters, manifest, guardians)
    published = decode_hashes(read(HASHES), group)
    recomputed = (
        context.parameter_hash,
        context.base_hash,
        context.extended_hash,
        context.vote_key,
        context.data_key,
    )
    if (
        published.parameter_hash,
        published.base_hash,
        published.extended_hash,
        published.vote_key,
        published.data_key,
    ) != recomputed:
        raise RecordFormatError(HASHES, "the published hashes or joint keys differ from those recomputed")
    return context


def eligibility_of(files: Mapping[str, bytes], manifest: Manifest) -> Eligibility:
    """The election's eligibility rules from its public files (open when it declares none),
    checked against the manifest: the credential list is for this election, styles exist."""
    if ELIGIBILITY not in files:
        present = [name for name in (CREDENTIALS, DEVICES) if name in files]
        if present:
            raise RecordFormatError(present[0], f"given without {ELIGIBILITY}, which says how it is used")
        return OPEN
    credentials = decode_credentials(files[CREDENTIALS]) if CREDENTIALS in files else None
    devices = decode_devices(files[DEVICES]) if DEVICES in files else ()
    eligibility = decode_eligibility(files[ELIGIBILITY], credentials, devices)
    if credentials is not None:
        if manifest.election_id is None or credentials.election_id != manifest.election_id:
            raise RecordFormatError(
                f"{CREDENTIALS}: election_id",
                f"the credentials were issued for {credentials.election_id!r}, not for this manifest's election_id "
                f"{manifest.election_id!r}",
            )
        styles = {style.label for style in manifest.ballot_styles}
        for key in credentials.keys:
            if key.style and key.style not in styles:
                raise RecordFormatError(f"{CREDENTIALS}: keys", f"style {key.style!r} is not in the manifest")
            if key.weight != 1:
                raise RecordFormatError(
                    f"{CREDENTIALS}: keys", "weighted votes (a weight other than 1) are not supported by the tally"
                )
    return eligibility


def eligibility_files(eligibility: Eligibility) -> dict[str, bytes]:
    """The public files that declare ``eligibility`` (none for an open election without devices)."""
    if eligibility.mode is EligibilityMode.OPEN and not eligibility.devices and not eligibility.administrator_key:
        return {}
    files = {ELIGIBILITY: encode_eligibility(eligibility)}
    if eligibility.credentials is not None:
        files[CREDENTIALS] = encode_credentials(eligibility.credentials)
    if eligibility.devices:
        files[DEVICES] = encode_devices(eligibility.devices)
    return files
