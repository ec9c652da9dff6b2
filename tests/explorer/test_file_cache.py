from explorer.file_cache import CULL_EVERY_SECONDS, SharedFileCache


def test_the_shared_file_cache_culls_now_and_then_not_on_every_write(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("explorer.file_cache.time.monotonic", lambda: clock[0])
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})

    def files() -> int:
        return len(list(tmp_path.glob("*.djcache")))

    for n in range(30):  # all within one culling period: the directory is not listed again
        cache.set(f"page-{n}", "x" * 100)
    assert files() == 30
    assert cache.get("page-29") == "x" * 100

    clock[0] += CULL_EVERY_SECONDS + 1
    cache.set("one-more", "y")
    assert files() <= 16  # culled by half, then the new one written
    assert cache.get("one-more") == "y"
