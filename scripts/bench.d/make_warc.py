#!/usr/bin/env python3
"""Writes a gzipped WARC of news-like HTML pages for the end-to-end benchmark.

Pages wrap real article texts (PolNeAR train, when ../shared/data is present)
in realistic page furniture (navigation, share bar, related links, comments),
one gzip member per record as crawlers write them, with request and metadata
records mixed in. Usage: make_warc.py OUT.warc.gz [TARGET_MB]
"""
import gzip, html, json, os, random, sys, uuid

out = sys.argv[1]
target = int(float(sys.argv[2] if len(sys.argv) > 2 else 100) * 1024 * 1024)
root = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(root, "..", "..", "..", "shared", "data", "polnear", "train.jsonl")
random.seed(7)
texts = []
if os.path.exists(data):
    with open(data, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts.append((d.get("title") or "News", d["text"], d.get("published") or "2016-09-12"))
else:
    words = "the minister said that talks would continue while officials warned of delays".split()
    for i in range(200):
        body = "\n\n".join(" ".join(random.choice(words) for _ in range(60)).capitalize() + "." for _ in range(8))
        texts.append((f"Article {i}", body, "2025-04-23"))

def page(title, text, date, n):
    paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n") if p.strip())
    nav = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(12))
    related = "".join(f'<li><a href="/r{i}">Related story number {i} about politics</a></li>' for i in range(8))
    comments = "".join(f'<div class="comment"><b>user{i}</b> I disagree with this article {i}.</div>' for i in range(5))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)} | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example"><meta property="article:published_time" content="{date}T08:00:00Z">
<link rel="canonical" href="https://example.org/news/{n}"></head><body>
<div id="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{html.escape(title)}</h1><div class="byline">By Staff Writer</div>
{paras}</article>
<aside class="share">Share on Facebook Share on Twitter</aside>
<section class="related"><h2>Related</h2><ul>{related}</ul></section>
<section class="comments">{comments}</section></main>
<footer>© The Daily Example. All rights reserved.</footer></body></html>"""

def record(wtype, ctype, uri, payload):
    head = (f"WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-04-24T00:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=random.getrandbits(128))}>\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n").encode()
    return gzip.compress(head + payload + b"\r\n\r\n", compresslevel=1)

written = 0
n = 0
with open(out, "wb") as f:
    f.write(record("warcinfo", "application/warc-fields", "", b"software: whosaid make_warc.py\r\n"))
    while written < target:
        title, text, date = texts[n % len(texts)]
        uri = f"https://example.org/news/{n}"
        body = page(title, text, date, n).encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
        f.write(record("request", "application/http; msgtype=request", uri, f"GET /news/{n} HTTP/1.1\r\n\r\n".encode()))
        f.write(record("response", "application/http; msgtype=response", uri, http))
        written += len(http)
        n += 1
print(f"{out}: {n} pages, {written / 1e6:.1f} MB of HTTP payload")
