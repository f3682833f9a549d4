"""Health probes for load balancers and monitors, answered as JSON and never cached.

/healthz: the process answers requests; it touches neither the database nor the cache, so a
database outage does not get every app server restarted.
/readyz: this server can serve the site: the database answers, the cache keeps a value, and
every migration of the code is applied. 200 when all hold, else 503 naming the failing check;
a read replica that is down is named, "degraded", but still 200 (its reads go to the primary).
"""

import functools
import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.db_router import replica_aliases

logger = logging.getLogger(__name__)

OK = "ok"
FAILING = "failing"
NOT_CHECKED = "not checked"  # needs the database, which does not answer


def check_database(alias: str = DEFAULT_DB_ALIAS) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def check_cache() -> bool:
    token = secrets.token_hex(8)
    cache.set("health:readyz", token, 30)
    return cache.get("health:readyz") == token


def check_migrations() -> bool:
    # Reads the migration files (a few milliseconds) and the table of applied ones.
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _run(name: str, check: Callable[[], bool]) -> str:
    try:
        return OK if check() else FAILING
    except Exception:
        # What failed is logged for the operator; the public answer only names the check.
        logger.exception("Readiness check %s failed", name)
        return FAILING


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _run("database", check_database)}
    checks["cache"] = _run("cache", check_cache)
    if checks["database"] == OK:
        checks["migrations"] = _run("migrations", check_migrations)
    else:
        checks["migrations"] = NOT_CHECKED
    ready = all(result == OK for result in checks.values())
    # Each read replica (DATABASE_REPLICA_URLS) is named, but one that is down does not make
    # this server unready: its pages then read from the primary (core.db_router), and every
    # app server shares the replica, so a 503 would take them all out of the load balancer.
    replicas = {
        alias: _run(alias, functools.partial(check_database, alias)) for alias in replica_aliases()
    }
    checks |= replicas
    status = "ok" if all(result == OK for result in replicas.values()) else "degraded"
    if not ready:
        status = "unavailable"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
