"""End-to-end fixtures: a fresh demo served by `manage.py runserver`, and headless Chromium.

These tests never touch pytest-django's test database: the demo is built by the real
management commands in a temporary directory and the browser talks HTTP to a subprocess.
Under pytest-xdist every worker builds its own demo (its own tmp dir and port).
"""

import base64
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "var" / "screenshots"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_COUNTY = "320115"
DEMO_PASSWORD = "Rongjia#2026"
# The users of the demo are Chinese: their browsers ask for Chinese first.
BROWSER_LOCALE = "zh-CN"
DESKTOP = {"width": 1366, "height": 768}
SERVER_START_TIMEOUT = 30


def _browser_unavailable(reason: str):
    if os.environ.get("RONGJIA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (RONGJIA_REQUIRE_BROWSER=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        _browser_unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _browser_unavailable("the playwright Python package is missing: make install")
    return str(CHROMIUM)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
                    pytrace=False)
    return result.stdout


# The authenticator secrets seed_demo prints for the accounts whose role needs a second factor
# (this worker's demo), and the last time step each account's code was used for (no replay).
TOTP_SECRETS: dict[str, str] = {}
_LAST_STEP: dict[str, int] = {}
TOTP_LINE = re.compile(r"^ +(\S+) +\S+ +.*TOTP 密钥 ([A-Z2-7]+) *$", re.M)


@pytest.fixture(scope="session")
def demo_url(chromium_path, tmp_path_factory) -> str:
    """Build the demo (migrate, import_regions, seed_demo) in a temp dir and serve it."""
    tmp = tmp_path_factory.mktemp("demo")
    env = os.environ.copy()
    env.update(
        RONGJIA_DATABASE_URL=f"sqlite:///{tmp / 'demo.sqlite3'}",
        RONGJIA_VAR_DIR=str(tmp / "var"),
        RONGJIA_DEBUG="0",  # as deployed: static files must come from WhiteNoise, not DEBUG serving
        RONGJIA_TASKS="immediate",  # jobs run inside the request that queues them…
        RONGJIA_IMPORT_TASKS="database",  # …but ledger imports in the worker below, as deployed
    )
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "import_regions", "--prefix", DEMO_COUNTY)
    seeded = _manage(env, "seed_demo", "--region", DEMO_COUNTY, "--people", "2000")  # enough to page through
    TOTP_SECRETS.update(TOTP_LINE.findall(seeded))

    port = _free_port()
    log_path = tmp / "runserver.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--backend", "imports", "--no-startup-delay",
             "--interval", "0.2"], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"runserver exited ({server.returncode}):\n{log_path.read_text()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"/healthz did not answer 200 within {SERVER_START_TIMEOUT} s:\n{log_path.read_text()}",
                            pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        for process in (worker, server):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def chromium(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in(page, demo_url: str, username: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in: {page.inner_text('main')}"
    if "/accounts/otp/" in page.url:  # the role needs the authenticator code, as its person would type it
        page.fill("#id_token", totp_code(username))
        with page.expect_navigation():
            page.click("form.card button[type=submit]")
        assert "/accounts/otp/" not in page.url, f"{username}: the code was refused: {page.inner_text('main')}"


def totp_code(username: str) -> str:
    """The code of the account's authenticator for a time step not used before (the server refuses a
    code twice): now, else the next step (inside its tolerance), else wait for a fresh one."""
    from django_otp.oath import hotp

    secret = TOTP_SECRETS[username]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = max(int(time.time() // 30), _LAST_STEP.get(username, -1) + 1)
    while step > int(time.time() // 30) + 1:
        time.sleep(1)
    _LAST_STEP[username] = step
    return f"{hotp(key, step):06d}"


@pytest.fixture(scope="session")
def signed_in_state(chromium, demo_url):
    """storage_state(username): the cookies of a signed-in session, made once per user and worker."""
    states = {}

    def storage_state(username: str) -> dict:
        if username not in states:
            context = chromium.new_context(locale=BROWSER_LOCALE)
            sign_in(context.new_page(), demo_url, username)
            states[username] = context.storage_state()
            context.close()
        return states[username]

    return storage_state


@pytest.fixture
def new_page(chromium, signed_in_state):
    """new_page(user=None, width=1366, height=768, locale=zh-CN): a page in a fresh context, closed afterwards."""
    contexts, blocked = [], []

    def make(user: str | None = None, *, width: int = DESKTOP["width"], height: int = DESKTOP["height"],
             locale: str = BROWSER_LOCALE):
        context = chromium.new_context(
            locale=locale, viewport={"width": width, "height": height},
            storage_state=signed_in_state(user) if user else None,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        # Whatever the Content-Security-Policy blocks on our own pages is a bug in the page.
        page.on("console", lambda message: blocked.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not blocked, "blocked by the Content-Security-Policy:\n" + "\n".join(blocked)


def wait_until(page, predicate: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript predicate from Python. Playwright's own wait_for_function compiles the
    predicate inside the page, which our Content-Security-Policy (no eval) rightly forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {predicate}", pytrace=False)
        time.sleep(0.05)


def inject_axe(page) -> None:
    """Load axe-core into the page. Evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not govern (a <script> tag would be blocked, as it should be)."""
    if page.evaluate("typeof axe") == "undefined":
        page.evaluate(AXE_JS.read_text())


def check(page, name: str, width: int) -> list[str]:
    """Screenshot the page (var/screenshots/<name>-<width>.png); report horizontal overflow and axe-core's
    violations."""
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
    problems = []
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
        problems.append(f"{name}: horizontal overflow")
    inject_axe(page)
    problems += [f"{name}: {v}" for v in page.evaluate(
        "async () => (await axe.run()).violations.map(v => `${v.id}: ${v.help} — ${v.nodes[0].target}`)")]
    return problems


def require_htmx(page) -> None:
    """Fail at once, rather than by a timeout, when the page has no htmx (e.g. static files not served)."""
    if page.evaluate("typeof htmx") == "undefined":
        pytest.fail(f"htmx is not loaded on {page.url}: is /static/vendor/htmx/htmx.min.js served?", pytrace=False)


def open_all_streets(page, demo_url: str) -> None:
    """Show the tree with every street's <details> opened and its htmx children loaded."""
    page.goto(f"{demo_url}/stations/tree/")
    require_htmx(page)
    street = 'li.tree-node[data-level="4"] > .tree-row > details'
    page.wait_for_selector(street, state="attached")  # the root's children load by themselves (hx-trigger=load)
    # Bottom up, so that no click waits for a summary pushed down by the children loading above it.
    for summary in reversed(page.locator(f"{street} > summary").all()):
        summary.locator(".node-name").click()
    # Until htmx swaps it, an opened node's list holds only a "Loading…" placeholder (not a .tree-node).
    wait_until(page, """() => {
        const opened = document.querySelectorAll('li.tree-node[data-level="4"] > .tree-row > details[open]');
        return opened.length > 0 && [...opened].every(d => !d.querySelector(':scope > ul > li:not(.tree-node)'));
    }""")
