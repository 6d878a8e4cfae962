from reader.cli import main

# Guarded: multiprocessing's forkserver imports __main__ in its server process.
if __name__ == "__main__":
    raise SystemExit(main())
