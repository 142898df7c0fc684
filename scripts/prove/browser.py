#!/usr/bin/env python3
"""The pages in a real browser (issue 20): starts the demo server on a fresh SQLite file and drives
Debian's Chromium through chromium-driver with Selenium (PyPI). For every page it visits — the public
site signed out, the staff pages as the supervisor and as a department officer — it checks

  * that nothing overflows a 390 px phone viewport (the page's scroll width stays within the window:
    wide tables scroll inside their own box), and
  * the axe-core accessibility audit (PyPI axe-selenium-python): 0 violations;

and it walks journeys a user makes, each asserting what the user sees. A failure keeps a screenshot
and the page's HTML under --artifacts. Prints one line a page and exits 1 on any failure.

    scripts/prove/browser.py --fazhi .build/debug/fazhi [--artifacts ci-artifacts/browser]
"""
import argparse, importlib.util, json, os, re, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from crash_safety import PASSWORD, wait_healthy  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from axe_selenium_python import Axe  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def axe_script():
    """A current axe-core: axe-selenium-python bundles 3.1.1 (2018), which does not know
    autocomplete="one-time-code"; the axe.min.js that PyPI's axe-playwright-python ships (installed
    with --no-deps, for the file) is 4.x. Without it, the bundled one."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec and spec.submodule_search_locations:
        path = os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js")
        if os.path.exists(path):
            return path
    return None

PUBLIC = ["/gongshi", "/gongshi/documents", "/gongshi/disclosure", "/gongshi/disclosure/track", "/gongshi/suggestions", "/gongshi/services",
          "/gongshi/reports", "/gongshi/benchmarks", "/gongshi/inspections", "/login", "/no-such-page"]
SUPERVISOR = ["/", "/deadlines", "/figures", "/units", "/reconsideration", "/litigation", "/enforcement/cases", "/supervision", "/documents", "/decisions",
              "/legal/reviews", "/disclosure", "/suggestions", "/services", "/mediation", "/mediation/bodies", "/oversight", "/education", "/indicators",
              "/reports", "/audit", "/profile"]
OFFICER = ["/", "/enforcement/cases", "/deadlines", "/oversight"]


class Run:
    def __init__(self, base, artifacts):
        self.base, self.artifacts, self.failures, self.rows = base, artifacts, [], []
        options = webdriver.ChromeOptions()
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN"]:
            options.add_argument(flag)
        binary = next((p for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] if os.path.exists(p)), None)
        if binary:
            options.binary_location = binary
        driver_path = next((p for p in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"] if os.path.exists(p)), None)
        self.driver = webdriver.Chrome(service=Service(driver_path) if driver_path else Service(), options=options)
        self.driver.set_page_load_timeout(60)

    def keep(self, name):
        os.makedirs(self.artifacts, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "page"
        self.driver.save_screenshot(os.path.join(self.artifacts, slug + ".png"))
        with open(os.path.join(self.artifacts, slug + ".html"), "w") as f:
            f.write(self.driver.page_source)

    def fail(self, name, message):
        self.failures.append(f"{name}: {message}")
        print(f"FAIL {name}: {message}", flush=True)
        try:
            self.keep(name)
        except Exception as error:  # the screenshot is a courtesy; the failure stands
            print(f"  (no screenshot: {error})")

    def get(self, path):
        self.driver.get(self.base + path)

    def check_page(self, who, path):
        """At 390 px: the overflow and the axe audit of one page."""
        name = f"{who} {path}"
        self.driver.set_window_size(390, 844)
        self.get(path)
        inner = self.driver.execute_script("return window.innerWidth")
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        script = axe_script()
        axe = Axe(self.driver, script_url=script) if script else Axe(self.driver)
        axe.inject()
        results = axe.run(options={"resultTypes": ["violations"]})
        violations = results["violations"]
        self.rows.append((who, path, width, inner, len(violations)))
        print(f"{who:10} {path:32} width {width}/{inner} px  axe violations {len(violations)}", flush=True)
        if width > inner:
            self.fail(name, f"page is {width} px wide in a {inner} px viewport")
        if violations:
            self.fail(name, "; ".join(f"{v['id']} ({len(v['nodes'])}): {v['help']}" for v in violations))

    def login(self, login_name):
        self.driver.delete_all_cookies()
        self.driver.set_window_size(1280, 900)
        self.get("/login")
        self.driver.find_element(By.ID, "f-loginName").send_keys(login_name)
        self.driver.find_element(By.ID, "f-password").send_keys(PASSWORD)
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        try:
            WebDriverWait(self.driver, 30).until(lambda d: "/login" not in d.current_url)
        except Exception:
            raise RuntimeError(f"{login_name} could not log in: {self.driver.find_element(By.TAG_NAME, 'main').text[:200]}")

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "main").text

    def journey(self, name, body):
        started = time.time()
        try:
            body()
            print(f"journey  {name}: passed in {time.time() - started:.1f} s", flush=True)
        except Exception as error:
            self.fail(f"journey {name}", str(error).splitlines()[0] if str(error) else type(error).__name__)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def journeys(run):
    def menu_on_phone():
        run.login("supervisor")
        run.driver.set_window_size(390, 844)
        run.get("/")
        nav = run.driver.find_element(By.ID, "main-nav")
        expect(not nav.is_displayed(), "the menu is open on a phone before it is asked for")
        run.driver.find_element(By.CSS_SELECTOR, "label.menu-button").click()
        expect(nav.is_displayed(), "the 菜单 button does not open the menu")
        run.driver.set_window_size(1280, 900)
        expect(nav.is_displayed(), "the menu is hidden on a wide screen")

    def form_keeps_input():
        run.login("supervisor")
        run.get("/mediation/new")
        # Everything the browser itself checks is filled in; the amount is not a number, which only the server can say.
        run.driver.find_element(By.ID, "f-parties").send_keys("甲某、乙某")
        run.driver.find_element(By.ID, "f-summary").send_keys("相邻通行纠纷，双方各执一词")
        run.driver.find_element(By.ID, "f-amount").send_keys("三千元")
        run.driver.execute_script("document.getElementById('f-acceptedOn').value = '2026-11-20'")
        run.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(run.driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))
        text = run.text()
        expect("请修改以下" in text, "no error summary after a form with errors")
        kept = run.driver.find_element(By.ID, "f-summary").get_attribute("value")
        expect(kept == "相邻通行纠纷，双方各执一词", f"the typed summary was not kept: {kept!r}")
        expect(run.driver.find_element(By.ID, "f-amount").get_attribute("aria-invalid") == "true", "the wrong field is not marked invalid")
        expect("涉及金额" in text, "the error does not name the field")

    def citizen_finds_report():
        run.driver.delete_all_cookies()
        run.driver.set_window_size(390, 844)
        run.get("/gongshi/reports")
        links = [a for a in run.driver.find_elements(By.CSS_SELECTOR, "main a") if "法治政府建设情况报告" in a.text]
        expect(links, "no published 法治政府建设情况报告 on the public site")
        target = links[0].get_attribute("href")
        links[0].click()
        WebDriverWait(run.driver, 30).until(lambda d: d.current_url == target)
        text = run.text()
        expect("三、党政主要负责人履行推进法治建设第一责任人职责情况" in text, "the published report has no part 三")
        expect("【无数据】" not in text, "the published report has a figure without data")

    def officer_deadline_warning():
        run.login("officer.scjg")
        run.get("/")
        text = run.text()
        expect("临期" in text or "已逾期" in text, "the officer's dashboard shows no deadline summary")
        expect("考核指标" in text and "得分" in text, "the officer's dashboard has no indicator score")

    run.journey("the menu folds on a phone and opens without script", menu_on_phone)
    run.journey("a form with errors keeps what was typed", form_keeps_input)
    run.journey("a citizen reads last year's published report on a phone", citizen_finds_report)
    run.journey("an officer's dashboard: deadlines and the unit's score", officer_deadline_warning)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fazhi", required=True)
    parser.add_argument("--artifacts", default="ci-artifacts/browser")
    parser.add_argument("--base", help="an already running demo server instead of starting one")
    args = parser.parse_args()
    server = None
    if args.base:
        base = args.base
    else:
        work = tempfile.mkdtemp(prefix="fazhi-browser-")
        port = 20000 + os.getpid() % 1000
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, FAZHI_DATABASE_URL=f"sqlite://{work}/browser.sqlite", FAZHI_DATA_KEY_FILE=os.path.join(work, "key"),
                   FAZHI_LOGIN_RATE_LIMIT="10000", FAZHI_BCRYPT_COST="4")
        log = open(os.path.join(work, "serve.log"), "w")
        server = subprocess.Popen([args.fazhi, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
    started = time.time()
    try:
        if server:
            wait_healthy(base, server, seconds=600)
        run = Run(base, args.artifacts)
        try:
            run.driver.delete_all_cookies()
            for path in PUBLIC:
                run.check_page("public", path)
            run.login("supervisor")
            for path in SUPERVISOR:
                run.check_page("supervisor", path)
            run.login("officer.scjg")
            for path in OFFICER:
                run.check_page("officer", path)
            journeys(run)
        finally:
            run.driver.quit()
        pages = len(run.rows)
        clean = sum(1 for row in run.rows if row[2] <= row[3] and row[4] == 0)
        print(f"browser: {pages} pages, {clean} within 390 px with 0 axe violations; {len(run.failures)} failures; {time.time() - started:.1f} s")
        with open(os.path.join(tempfile.gettempdir(), "fazhi-browser-results.json"), "w") as f:
            json.dump({"pages": run.rows, "failures": run.failures}, f, ensure_ascii=False, indent=1)
        sys.exit(1 if run.failures else 0)
    finally:
        if server:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
