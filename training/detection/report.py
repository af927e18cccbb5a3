#!/usr/bin/env python3
"""Print the Markdown tables of eval_results.json (README.md and docs/detection.md quote them)."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def pct(v: float | None, nd: int = 1) -> str:
    return "-" if v is None else f"{100 * v:.{nd}f}%"


def ci(p: list[float] | None, nd: int = 1) -> str:
    return "-" if not p else f"{100 * p[0]:.{nd}f}-{100 * p[1]:.{nd}f}"


def main() -> None:
    r = json.loads((HERE / "eval_results.json").read_text())
    out = []
    models = r["models"]
    out.append("| held-out test set, deployment path | audio-cnn-v1 | audio-baseline-v1 |")
    out.append("| --- | --- | --- |")
    c, b = models["cnn"], models["baseline"]
    ct, bt = c["test"], b["test"]
    out.append(
        f"| genuine speakers / synthetic voices | {ct['genuine_speakers']} / {ct['synthetic_voices']} "
        f"| {bt['genuine_speakers']} / {bt['synthetic_voices']} |"
    )
    out.append(
        f"| genuine / synthetic windows | {ct['genuine_windows']} / {ct['synthetic_windows']} "
        f"| {bt['genuine_windows']} / {bt['synthetic_windows']} |"
    )
    out.append(
        f"| EER per window (95% CI) | {pct(ct['eer'])} ({ci(ct['eer_ci95'])}) "
        f"| {pct(bt['eer'])} ({ci(bt['eer_ci95'])}) |"
    )
    for lvl in ("alert", "suspicious"):
        cl, bl = ct[f"at_{lvl}"], bt[f"at_{lvl}"]
        out.append(
            f"| `{lvl}` threshold | {cl['threshold']:.3f} (dev speakers) | {bl['threshold']:.3f} (card) |"
        )
        out.append(
            f"| false alarms per window at `{lvl}` (95% CI) | {pct(cl['false_alarm_rate'], 2)} "
            f"({ci(cl['false_alarm_ci95'], 2)}) | {pct(bl['false_alarm_rate'], 2)} "
            f"({ci(bl['false_alarm_ci95'], 2)}) |"
        )
        out.append(
            f"| synthetic windows detected at `{lvl}` (95% CI) | {pct(cl['detection_rate'])} "
            f"({ci(cl['detection_ci95'])}) | {pct(bl['detection_rate'])} ({ci(bl['detection_ci95'])}) |"
        )
    if "test_at_dev_thresholds" in b:
        bd = b["test_at_dev_thresholds"]
        for lvl in ("alert", "suspicious"):
            x = bd[f"at_{lvl}"]
            out.append(
                f"| baseline with the CNN's threshold rule (dev speakers), `{lvl}` = {x['threshold']:.3f} "
                "| - | "
                f"false alarms {pct(x['false_alarm_rate'], 2)} ({ci(x['false_alarm_ci95'], 2)}), "
                f"detected {pct(x['detection_rate'])} ({ci(x['detection_ci95'])}) |"
            )
    ctt, btt = c["track_test"], b["track_test"]

    def rate(t: dict) -> str:
        s = f"{t['false_alerts']} in {t['genuine_speech_hours']:.2f} h = {t['false_alerts_per_hour']:.2f}/h"
        if t["false_alerts"] == 0 and t.get("false_alerts_per_hour_poisson_upper95"):
            s += f" (95% upper bound {t['false_alerts_per_hour_poisson_upper95']:.2f}/h)"
        else:
            s += f" (CI {t['false_alerts_per_hour_ci95'][0]:.2f}-{t['false_alerts_per_hour_ci95'][1]:.2f})"
        return s

    out.append(f"| track level: false alerts per hour of genuine speech | {rate(ctt)} | {rate(btt)} |")
    out.append(
        "| track level: synthetic recordings reaching `alert` | "
        f"{ctt['synthetic_recordings_reaching_alert']} "
        f"| {btt['synthetic_recordings_reaching_alert']} |"
    )
    lat = ctt.get("alert_latency_seconds") or {}
    if lat.get("median") is not None:
        out.append(
            "| alert latency on synthetic speech (median / p90) | "
            f"{lat['median']:.1f} s / {lat['p90']:.1f} s | - |"
        )
    out.append(
        f"| alerting | `{json.dumps(c['alerting']['chosen'])}` | `{json.dumps(b['alerting']['chosen'])}` |"
    )
    out.append("")
    out.append("Leave-speakers-out, per family (shipped model; test voices vs test genuine speakers):")
    out.append("")
    out.append(
        "| family | voices | windows | EER (95% CI) | detected at `alert` | detected at `suspicious` "
        "| baseline EER |"
    )
    out.append("| --- | --- | --- | --- | --- | --- | --- |")
    for fam, v in c["test_per_family"].items():
        bv = b["test_per_family"].get(fam, {})
        out.append(
            f"| {fam} | {v['voices']} | {v['windows']} | {pct(v['eer'])} ({ci(v['eer_ci95'])}) | "
            f"{pct(v['detection_at_alert'])} | {pct(v['detection_at_suspicious'])} | {pct(bv.get('eer'))} |"
        )
    lofo = r.get("leave_one_family_out") or {}
    if lofo:
        out.append("")
        out.append(
            "Leave-one-family-out (a model trained without any voice of the family; all its voices vs "
            "the test "
            "genuine speakers):"
        )
        out.append("")
        out.append("| family held out | voices | EER (95% CI) | detected at its `alert` | at chance? |")
        out.append("| --- | --- | --- | --- | --- |")
        for fam, v in lofo.items():
            out.append(
                f"| {fam} | {v['voices']} | {pct(v['eer'])} ({ci(v['eer_ci95'])}) | "
                f"{pct(v['detection_at_alert'])} | "
                f"{'yes' if v['at_chance'] else 'no'} |"
            )
    print("\n".join(out))


if __name__ == "__main__":
    main()
