"""Settings for HomeNet Registry, all read from environment variables.

Development works with no variable set. A production site sets DEBUG=false, SECRET_KEY and
ALLOWED_HOSTS; every other variable has a default that is safe there too. A malformed value
stops the start with ImproperlyConfigured rather than being guessed at.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from homenet import embedded_db
from homenet.env import env_bool, env_int, env_list, env_rate, env_str
from homenet.languages import INTERFACE_LANGUAGES

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form gets the site's own error page (layout, language, a way onward), not Django's.
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

INSTALLED_APPS = [
    # Before the admin, as its documentation asks: its admin classes patch the admin's forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as static files: no CDN
    "corsheaders",
    # The registry's apps, each layer importing only the ones above it in this list
    # (tests/test_layers.py): the base, the domain, tools, then the screens.
    "core",
    "accounts",
    "regions",
    "affiliates",
    "governance",
    "audit",
    "spreadsheets",
    "demo",
    "public",
    "applications",
    "workspace",
    "staff",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # One log line per request with its X-Request-ID; early, so it times the rest.
    "core.request_log.RequestLogMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Before anything that may answer: CORS headers on the public API's reads (CORS_URLS_REGEX).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous GET/HEAD may read from a read replica (DATABASE_REPLICA_URLS; core/db_router.py).
    "core.db_router.ReplicaMiddleware",
    # Times in the signed-in coordinator's chosen time zone (User.time_zone).
    "accounts.time_zones.TimeZoneMiddleware",
    # Cache-Control: private, no-store on signed-in pages, the admin and the workspace.
    "core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signed-in sessions end after SESSION_IDLE_TIMEOUT idle or SESSION_ABSOLUTE_TIMEOUT in all.
    "accounts.middleware.SessionExpiryMiddleware",
    # Records who made each change in the history of audited records (see README).
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "homenet.urls"
WSGI_APPLICATION = "homenet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL: postgres://user:password@host:port/name. Unset, it is the embedded PostgreSQL
# that `make run` starts (homenet/embedded_db.py, data in var/postgres/); nothing starts here.
_database_url = env_str("DATABASE_URL")
if not _database_url:
    if not DEBUG:
        raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off")
    _database_url = embedded_db.url()
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL is a {_database_url.partition(':')[0]}:// URL, but the registry needs "
        "PostgreSQL (postgres://user:password@host:port/name). Leave DATABASE_URL unset and "
        "`make run` starts an embedded PostgreSQL."
    )
# Read replicas: DATABASE_REPLICA_URLS, comma-separated postgres:// URLs of streaming replicas
# of DATABASE_URL, become the aliases replica_0, replica_1, ...; core.db_router sends anonymous
# GET and HEAD requests' reads to one of them and everything else to the primary (README,
# Deployment). A visitor who has just written stays on the primary for REPLICA_STICKY_SECONDS.
for _index, _replica_url in enumerate(env_list("DATABASE_REPLICA_URLS")):
    try:
        _replica = dj_database_url.parse(
            _replica_url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: not a database URL: {error}") from None
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS must name PostgreSQL databases")
    # An unreachable replica host is given up soon (libpq waits forever by default), and the
    # request reads from the primary instead (core.db_router); the URL may set its own.
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # The test runner gives the replica no database of its own: it reads the primary's.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{_index}"] = _replica
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/workspace/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Sessions live in the database (no per-process state). A signed-in session ends after
# SESSION_IDLE_TIMEOUT seconds without a request and SESSION_ABSOLUTE_TIMEOUT after sign-in
# (accounts.middleware); the cookie itself never outlives the absolute limit.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)
# The yearly declarations table posts 4 fields per affiliate, up to 2,000 affiliates.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in protection (issue 13) -------------------------------------------------------------
# django-axes counts failed sign-ins in the database (so several app servers agree), per account
# and per address separately: SIGNIN_FAILURE_LIMIT failures within SIGNIN_COOLOFF_MINUTES, for
# either, refuse further attempts until that many minutes after the last failure. Every
# authenticate() call goes through it, so the admin's sign-in is limited too; nothing is locked
# for good, and failures while locked out do not extend the wait.
INSTALLED_APPS += ["axes"]
# Last, as its documentation asks: it turns a refused sign-in into the lockout page.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The address as the rate limits read it (TRUSTED_PROXY_COUNT), not a header a client can forge.
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
# The page that says when to try again, the same whether or not the account exists (429).
AXES_LOCKOUT_CALLABLE = "accounts.views.signin_locked_out"
# accounts.signals logs each sign-in and failure its own way (user id, never a password).
AXES_VERBOSE = False
# Attempts are kept in the database but not shown in the admin (staff have no business with
# other people's addresses): `manage.py axes_list_attempts`, `axes_reset_username NAME`.
AXES_ENABLE_ADMIN = False
# Password-reset requests per hour: per email address asked for, and per client address.
# Beyond either, the page answers as always but no mail is sent.
PASSWORD_RESET_EMAIL_LIMIT = env_int("PASSWORD_RESET_EMAIL_LIMIT", 3)
PASSWORD_RESET_IP_LIMIT = env_int("PASSWORD_RESET_IP_LIMIT", 10)
# Argon2 for new and re-hashed passwords; older PBKDF2 hashes still verify and are upgraded
# when their owner next signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Second factor (django-otp): a code from an authenticator app (TOTP), or a one-time backup
# code, asked for after the password of anyone who has set one up (accounts/two_factor.py,
# /accounts/two-factor/). STAFF_REQUIRE_OTP: staff without one are sent to set it up before any
# other page. On by default in production: a staff password alone grants every power over the
# registry (and its private contacts), and passwords get phished; off in development, so the
# demo accounts sign in with their password alone.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.middleware.SessionExpiryMiddleware") + 1,
    "accounts.middleware.SecondFactorMiddleware",
)
STAFF_REQUIRE_OTP = env_bool("STAFF_REQUIRE_OTP", not DEBUG)
OTP_TOTP_ISSUER = "HomeNet Registry"
# A wrong code locks the device for 1, 2, 4, 8... seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# --- End of sign-in protection -----------------------------------------------------------------

# Shared cache: Redis in production (CACHE_URL=redis://host:6379/0), so that several app
# servers agree on the rate limits (core.ratelimit) and on the public pages' cache and its
# generation (core.public_cache); a per-process memory cache in development. django-axes keeps
# failed sign-ins in the database, not here. Django's RedisCache has no "ignore errors" mode:
# while Redis is down, every page that reads the cache (the public pages, the rate-limited
# forms) answers 500, after at most CACHE_SOCKET_TIMEOUT seconds rather than hanging, and the
# site recovers by itself when Redis answers again; /readyz reports the cache unreachable.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    _cache_socket_timeout = env_int("CACHE_SOCKET_TIMEOUT", 2)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Several sites (or a site's test runs) may share one Redis database.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "homenet"),
            # For entries stored without a timeout of their own; the callers set theirs.
            "TIMEOUT": 300,
            "OPTIONS": {
                "socket_connect_timeout": _cache_socket_timeout,
                "socket_timeout": _cache_socket_timeout,
            },
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be redis://... or locmem://, not {CACHE_URL!r}")

# Internationalisation: the network's 17 languages, each shown in its own name in the menus
# (homenet/languages.py, which also gives Django the Lao and Filipino it lacks).
LANGUAGE_CODE = "en"
LANGUAGES = INTERFACE_LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates day first in English too (homenet/formats/en), and formats for the languages Django
# has none for; the others use Django's own.
FORMAT_MODULE_PATH = ["homenet.formats"]
# Pages show times in the coordinator's chosen zone (User.time_zone, accounts.middleware),
# naming it; UTC otherwise.
TIME_ZONE = "UTC"
USE_TZ = True
# The registry's own words (sector and region names, region descriptions) are translated in
# the admin (affiliates/translation.py, regions/translation.py); an empty translation shows
# the English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks here from the first request
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: console output until EMAIL_HOST names an SMTP server.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "HomeNet Registry <registry@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Seconds the public directory keeps search counts, result pages and figures in the cache.
# Public pages may lag a change by this long; 0 turns the cache off.
DIRECTORY_CACHE_SECONDS = env_int("DIRECTORY_CACHE_SECONDS", 60)

# Only requests that may write open a history context (GET never changes a record).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Behind a TLS-terminating load balancer set SECURE_PROXY_SSL_HEADER=true.
# Cookies go over https only when DEBUG is off; `make serve` (plain HTTP) sets both false.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Serving (issue 13). Health probes of a load balancer may come over plain HTTP: no redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Permissions-Policy (core.middleware): the registry uses none of these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []  # () allows the feature to no origin; ["self"] would allow this site
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}
# Seconds an SMTP connection may wait for the mail server before the send fails: a hung
# server must not hold a worker (and the person waiting) indefinitely.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if EMAIL_TIMEOUT <= 0:
    raise ImproperlyConfigured(f"EMAIL_TIMEOUT must be above 0 seconds, not {EMAIL_TIMEOUT}")

# Mail goes through the task queue (core.mail): with the database backend a request only stores
# the message, and `manage.py db_worker` sends it, trying again when the mail server fails, up to
# MAIL_ATTEMPTS times over about two days. TASK_BACKEND=immediate sends within the request instead
# (the default while DEBUG is on, so `runserver` needs no worker).
INSTALLED_APPS += ["django_tasks", "django_tasks.backends.database"]
TASK_BACKEND = env_str("TASK_BACKEND", "immediate" if DEBUG else "database")
if TASK_BACKEND not in ("database", "immediate"):
    raise ImproperlyConfigured(f"TASK_BACKEND must be database or immediate, not {TASK_BACKEND}")
TASKS = {
    "default": {
        "BACKEND": f"django_tasks.backends.{TASK_BACKEND}.{TASK_BACKEND.title()}Backend",
    }
}
MAIL_ATTEMPTS = env_int("MAIL_ATTEMPTS", 10)

# Content-Security-Policy: our pages load scripts, styles and images from this site only and
# carry no inline script or style (a JSON-LD data block is not a script). Bootstrap's form
# controls draw their arrows and ticks from data: images. Django's admin (5.2) works under the
# same policy: its scripts are files, its data travels in data- attributes and JSON blocks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# LOG_FORMAT=json: one JSON object per line (core/logging.py), the default in production;
# "text" (the default in development) keeps Python's plain lines.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Affiliation applications (/apply/): links in emails, abuse limits, the supporting document.
# SITE_URL: the site's own address; `check --deploy` wants https:// (core/checks.py).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
APPLY_RATE_LIMIT = env_int("APPLY_RATE_LIMIT", 5)  # applications per IP address per hour
STATUS_RATE_LIMIT = env_int("STATUS_RATE_LIMIT", 10)  # wrong status look-ups per IP per hour
# How many proxies of ours append to X-Forwarded-For; 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024

# Spreadsheet import and export (issue 6). Limits are checked before a file is parsed.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20000)
# An XLSX is a zip: the sum of its members' uncompressed sizes may not exceed this.
IMPORT_MAX_EXPANDED_BYTES = env_int("IMPORT_MAX_EXPANDED_BYTES", 100 * 1024 * 1024)
EXPORT_XLSX_MAX_ROWS = env_int("EXPORT_XLSX_MAX_ROWS", 20000)

# The JSON API (/api/v1/, the api app; README "API"). Tokens only (accounts.tokens): no session
# cookie opens it, so no request from another site can act for a signed-in person, and CSRF
# does not apply. Rates are requests per minute: anonymous ones per client address, the others
# per token. They are read on every request (api/throttling.py), counted in the cache.
API_THROTTLE_RATES = {
    "anon": env_rate("API_THROTTLE_ANON", "60/minute"),
    "token": env_rate("API_THROTTLE_TOKEN", "300/minute"),
}
# A request body above this is refused (413) before it is parsed: a year's declarations for
# 5,000 affiliates take about 400 kB.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1024 * 1024)
API_MAX_PAGE_SIZE = 100
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.TokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HomeNet Registry API",
    "DESCRIPTION": (
        "The public directory of HomeNet's affiliates as data, and token access for "
        "coordinators and staff. Errors are problem details (RFC 9457) in the language of "
        "Accept-Language."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"AffiliateStatusEnum": "affiliates.choices.Status"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# CORS: any site may read the public API (no credentials); the token endpoints send no CORS
# headers, so a browser on another site cannot read their answers.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/api/v1/(affiliates|regions|sectors|stats|schema)/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
