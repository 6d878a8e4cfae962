"""In-situ per-item CPU of each stage of a worker's job (as analyse_records interleaves them), base vs new alternated."""
import time, pickle, sys, gc, importlib
T = time.process_time_ns
feeds = pickle.loads(open("/tmp/worker7/farm_feeds.pkl", "rb").read())
h = {"content-type": "application/rss+xml; charset=utf-8"}
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
def side(pkg):
    refresh = importlib.import_module(pkg + ".core.refresh")
    analysis = importlib.import_module(pkg + ".core.analysis")
    feedsm = importlib.import_module(pkg + ".core.feeds")
    rel = importlib.import_module(pkg + ".core.entities.relevance")
    sig = importlib.import_module(pkg + ".core.stories.signature")
    cfg = importlib.import_module(pkg + ".core.config")
    refresh.load_for_jobs()
    settings = cfg.EntitySettings()
    rec = analysis.recognizer_for((), settings.model)
    def run():
        acc = dict.fromkeys(["parse", "record", "find", "title", "ai", "fp", "build", "pickle"], 0)
        items = 0
        for u, b in feeds:
            t0 = T(); feed = feedsm.parse_feed(b, h, u); t1 = T()
            records = [refresh._record(e, None, None) for e in feed.entries]; t2 = T()
            acc["parse"] += t1 - t0; acc["record"] += t2 - t1
            # analyse_records' loop, timed stage by stage
            digest = analysis.analysis_digest(rec.digest)
            done = []
            for r in records:
                t0 = T(); m = tuple(rec.find(r.text)); t1 = T()
                tm = analysis._title_mentions(rec, r.title); t2 = T()
                s = rel.ai_score(r.title, r.text, m, "Feed", tm); t3 = T()
                f = sig.fingerprint_mentions(r.title, r.text, m); t4 = T()
                done.append(analysis.analyse_records.__globals__["ArticleRecord"](*[
                    {"mentions": m, "ai_score": s, "auto_tags": (), "analysed_with": digest, "fingerprint": f}.get(n, getattr(r, n)) for n in r.__match_args__]) if False else None)
                t5 = T()
                acc["find"] += t1 - t0; acc["title"] += t2 - t1; acc["ai"] += t3 - t2; acc["fp"] += t4 - t3
            t0 = T(); out = analysis.analyse_records(records[:0], "Feed", settings, (), stories=True); t1 = T()
            items += len(records)
        return acc, items
    def job():
        t0 = time.process_time()
        for u, b in feeds:
            pickle.dumps((True, refresh._read_feed(b, h, u, {}, set(), "t", (settings, (), True))), protocol=pickle.DEFAULT_PROTOCOL)
        return time.process_time() - t0
    return run, job
A = side("reader_base"); B = side("reader")
gc.collect(); gc.freeze(); gc.set_threshold(20_000, 20, 20)
best = [None, None]; jobs = [1e9, 1e9]
for _ in range(rounds):
    for i, (run, job) in enumerate((A, B)):
        acc, n = run()
        best[i] = acc if best[i] is None else {k: min(best[i][k], acc[k]) for k in acc}
        jobs[i] = min(jobs[i], job())
for k in best[0]:
    a, b = best[0][k] / n / 1000, best[1][k] / n / 1000
    if a: print(f"{k:8s} base {a:7.1f}  new {b:7.1f}  {100*(b-a)/a:+5.1f}%")
a, b = jobs[0] * 1e6 / n, jobs[1] * 1e6 / n
print(f"whole job (parse+analyse+fingerprint+pickle) base {a:.1f} new {b:.1f} {100*(b-a)/a:+.1f}%  items={n}")
