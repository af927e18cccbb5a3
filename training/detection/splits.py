"""Who is held out: the speaker roles of the CNN's training and evaluation (no heavy imports, so the
deployment-path evaluation can use it from the service's own virtualenv).

Every genuine speaker and every synthetic voice gets one role:
  train - the shipped model trains on it;
  dev   - held out from training; thresholds and track-level alerting are chosen on it;
  test  - held out from training and from every choice; the card's validated rates come from it.
Roles go by *speaker group*, so speakers who may be the same person (voice packs of one game, one
voice actor in several languages) and the resyntheses of a speaker share a role. Assignment is a
fixed hash of the group name: adding a source does not reshuffle the others.

Families (for leave-one-family-out) are the synthesis engines: each is held out in turn from training,
all its voices in every role are tested against the test genuine speakers.
"""

from __future__ import annotations

import hashlib

FAMILIES = ("flite", "espeak-ng", "festival", "world", "griffinlim", "piper", "kokoro")

# Roles fixed by hand where a hash could leave a family with no held-out voice (or none to learn from).
FIXED_ROLES = {
    "piper_joe": "test",  # the only Piper voice: the shipped model never hears Piper
    "kokoro_jf_alpha": "test",
    "kokoro_jm_kumo": "dev",
    "kokoro_jf_gongitsune": "train",
    "kokoro_jf_nezumi": "train",
    "kokoro_jf_tebukuro": "train",
    "slt": "test",  # the reserved end-to-end clip's voice (flite and festival)
    "pyannote_sample": "test",
    "allison": "train",
    # more dev speakers (the hash left only six): thresholds are set on them
    "maxim": "dev",
    "klettres_de": "dev",
    "hedgewars_Mobster": "dev",
    "c2_ve9qrp": "dev",
}


def speaker_group(speaker: str) -> str:
    """Speakers who may be one person share a group (and so a role)."""
    if speaker.startswith("hedgewars_"):
        return "hedgewars_" + speaker.split("_")[1]  # Default, Default_uk, Default_ru ... one actor
    if speaker.startswith("wz_"):
        return "warzone2100"  # who voiced which group is undocumented
    if speaker.startswith("klettres_en"):
        return "klettres_en"  # en and en_GB
    if speaker.startswith("c2_"):
        return speaker
    return speaker


def role(speaker: str) -> str:
    """train | dev | test for a genuine speaker or a synthetic voice (its ``speaker`` column)."""
    if speaker in FIXED_ROLES:
        return FIXED_ROLES[speaker]
    group = speaker_group(speaker)
    if group in FIXED_ROLES:
        return FIXED_ROLES[group]
    bucket = int(hashlib.sha256(group.encode()).hexdigest(), 16) % 10
    return "test" if bucket < 2 else "dev" if bucket < 4 else "train"
