"""Side-by-side table of scripts/bench results (stdlib only; any python3).

usage: report.py OUT_DIR   (reads whosaid-1.json, whosaid-all.json and,
                            if present, spacy.json; writes summary.json)
"""

import json
import os
import sys


def load(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def mib(kb):
    return "n/a" if kb is None else f"{kb / 1024:.1f} MiB"


def main():
    out = sys.argv[1]
    w1 = load(os.path.join(out, "whosaid-1.json"))
    wn = load(os.path.join(out, "whosaid-all.json"))
    sp = load(os.path.join(out, "spacy.json"))

    rows = [("", "whosaid 1 thread", f"whosaid {wn['threads']} threads" if wn else "whosaid all cores",
             "spaCy+textacy 1 proc")]

    def col(r, key, fmt):
        return "-" if r is None or r.get(key) is None else fmt(r[key])

    rows.append(("articles", col(w1, "articles", str), col(wn, "articles", str), col(sp, "articles", str)))
    rows.append(("text", col(w1, "bytes", lambda b: f"{b / 1e6:.2f} MB"), col(wn, "bytes", lambda b: f"{b / 1e6:.2f} MB"),
                 col(sp, "bytes", lambda b: f"{b / 1e3:.0f} KB")))
    rows.append(("throughput", col(w1, "mb_per_s", lambda v: f"{v:.2f} MB/s"), col(wn, "mb_per_s", lambda v: f"{v:.2f} MB/s"),
                 col(sp, "kb_per_s", lambda v: f"{v:.1f} KB/s")))
    rows.append(("per core", col(w1, "mb_per_s_per_thread", lambda v: f"{v:.2f} MB/s"),
                 col(wn, "mb_per_s_per_thread", lambda v: f"{v:.2f} MB/s"), col(sp, "kb_per_s", lambda v: f"{v:.1f} KB/s")))
    rows.append(("per CPU-second", col(w1, "mb_per_cpu_s", lambda v: f"{v:.2f} MB"), col(wn, "mb_per_cpu_s", lambda v: f"{v:.2f} MB"),
                 "-" if sp is None else f"{sp['bytes'] / 1e3 / sp['cpu_seconds']:.1f} KB"))
    rows.append(("articles/s", col(w1, "articles_per_s", lambda v: f"{v:.0f}"), col(wn, "articles_per_s", lambda v: f"{v:.0f}"),
                 col(sp, "articles_per_s", lambda v: f"{v:.1f}")))
    rows.append(("peak RSS", col(w1, "peak_rss_kb", mib), col(wn, "peak_rss_kb", mib), col(sp, "peak_rss_kb", mib)))
    rows.append(("output", col(w1, "output", lambda o: f"{o['statements']} statements"),
                 col(wn, "output", lambda o: f"{o['statements']} statements"),
                 col(sp, "direct_quotations", lambda q: f"{q} quotations" + (f" ({sp['textacy_bailed_docs']} docs bailed)" if sp.get('textacy_bailed_docs') else ""))))

    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, r in enumerate(rows):
        print("  " + "  ".join(c.ljust(widths[j]) for j, c in enumerate(r)).rstrip())
        if i == 0:
            print("  " + "  ".join("-" * w for w in widths))

    summary = {"whosaid_1": w1, "whosaid_all": wn, "spacy": sp}
    print()
    if w1 and sp:
        ratio1 = w1["mb_per_s"] * 1e3 / sp["kb_per_s"]
        summary["ratio_1_thread"] = ratio1
        print(f"  ratio whosaid/spaCy, one core each (wall clock): {ratio1:,.0f}x")
        if w1.get("mb_per_cpu_s") and sp.get("cpu_seconds"):
            ratio_cpu = w1["mb_per_cpu_s"] * 1e6 / (sp["bytes"] / sp["cpu_seconds"])
            summary["ratio_cpu_time"] = ratio_cpu
            print(f"  ratio whosaid/spaCy per CPU-second:             {ratio_cpu:,.0f}x")
        if wn:
            ration = wn["mb_per_s"] * 1e3 / sp["kb_per_s"]
            summary["ratio_all_cores"] = ration
            print(f"  ratio whosaid {wn['threads']} threads / spaCy 1 process:       {ration:,.0f}x")
    proc_ = (w1 or {}).get("process")
    if proc_:
        print()
        print(f"  whole process, -j {proc_['jobs']}: {proc_['command']}")
        print(f"  (one run per profile after each in-process pass; ratio = process / in-process pipeline)")
        prow = [("profile", "MB/s", "ratio", "MB/CPU-s", "ratio", "output/input")]
        prow.append(("in-process", f"{w1['mb_per_s']:.2f}", "1", col(w1, "mb_per_cpu_s", lambda v: f"{v:.2f}"), "1", "-"))
        bars = {"full": 0.65, "statements": 0.8}
        for p in proc_["profiles"]:
            f = lambda k: "n/a" if p.get(k) is None else f"{p[k]:.2f}"
            prow.append((p["profile"], f("mb_per_s"), f("ratio_wall"), f("mb_per_cpu_s"), f("ratio_cpu"),
                         f"{p['output_per_input_byte']:.1f}x"))
        pw = [max(len(r[i]) for r in prow) for i in range(6)]
        for i, r in enumerate(prow):
            print("  " + "  ".join(c.rjust(pw[j]) if j else c.ljust(pw[j]) for j, c in enumerate(r)).rstrip())
            if i == 0:
                print("  " + "  ".join("-" * w for w in pw))
        for p in proc_["profiles"]:
            bar = bars.get(p["profile"])
            if bar is not None:
                print(f"  {p['profile']} profile: {p['ratio_wall']:.2f}x the in-process MB/s vs bar {bar}x: "
                      + ("met" if p["ratio_wall"] >= bar else "NOT met"))
    goal_ok = []
    if w1:
        # Per core = MB per CPU-second when known (robust to other load), else wall clock.
        per_core = w1.get("mb_per_cpu_s") or w1["mb_per_s"]
        how = "MB per CPU-second, 1 thread" if w1.get("mb_per_cpu_s") else "MB/s wall clock, 1 thread"
        goal_ok.append(f"per-core throughput {per_core:.1f} ({how}) vs goal 20 MB/s: "
                       + ("met" if per_core >= 20 else "NOT met"))
    peaks = [r["peak_rss_kb"] for r in (w1, wn) if r and r.get("peak_rss_kb")]
    if peaks:
        p = max(peaks)
        goal_ok.append(f"peak RSS {p / 1024:.1f} MiB vs goal 100 MB: " + ("met" if p * 1024 <= 100e6 else "NOT met"))
    for g in goal_ok:
        print("  " + g)
    loads = [r.get("loadavg_at_start") for r in (w1, wn) if r and r.get("loadavg_at_start") is not None]
    if loads and max(loads) > 0.5:
        print(f"  note: load average was {max(loads):.2f} at start; other work on this machine makes these numbers noisy")

    with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
