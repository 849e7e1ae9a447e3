"""Sessions read from the cache (Redis) and kept in the database: Django's cached_db backend,
that goes on from the database while the cache is away.

Django's own backend already falls back to the database when reading from the cache fails, but
then raises when it puts the session back into the cache (or checks a new key there, or drops
the key it replaces at login): with Redis down, every logged-in request would be a 500, and a
booking must never fail because Redis is down (DESIGN.md, invariant 5). Logging out still needs
the cache: a session left in it would log the person back in once Redis returned. (The key a
login replaces holds no login, so leaving it behind gives nobody anything.)
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDatabaseStore):
    def load(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] | None = self._cache.get(self.cache_key)
        except Exception:  # the cache is down, or refused the key: the database has it
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.warning("Could not keep a session in the cache (%s)", self._cache)
        return data

    def exists(self, session_key: str) -> bool:
        try:
            if session_key and self.cache_key_prefix + session_key in self._cache:
                return True
        except Exception:  # the database knows every session too
            pass
        return bool(session_key) and super(CachedDatabaseStore, self).exists(session_key)

    def cycle_key(self) -> None:
        data = self._session
        key = self.session_key
        self.create()
        self._session_cache = data
        if key:
            try:
                self.delete(key)  # from the database first, then the cache
            except Exception:
                logger.warning("Could not drop a replaced session from the cache (%s)", self._cache)
