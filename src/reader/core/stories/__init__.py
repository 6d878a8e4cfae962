"""Stories: articles from any feeds that report the same news, grouped as
they are stored (grouping.py), found through MinHash/LSH text signatures
(signature.py); the watchlist and the digest read them (watchlist.py,
digest.py)."""
