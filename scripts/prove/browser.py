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
import argparse, base64, datetime, hashlib, hmac, importlib.util, json, os, re, struct, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from crash_safety import PASSWORD, wait_healthy, scratch_dir, run_main  # noqa: E402

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

PUBLIC = ["/gongshi", "/gongshi/search?q=示范县", "/gongshi/documents", "/gongshi/disclosure", "/gongshi/disclosure/track", "/gongshi/suggestions", "/gongshi/services",
          "/gongshi/reports", "/gongshi/benchmarks", "/gongshi/inspections", "/login", "/no-such-page"]
SUPERVISOR = ["/", "/deadlines", "/figures", "/units", "/reconsideration", "/litigation", "/enforcement/cases", "/supervision", "/documents", "/decisions",
              "/legal/reviews", "/disclosure", "/suggestions", "/services", "/mediation", "/mediation/bodies", "/oversight", "/education", "/indicators",
              "/reports", "/audit", "/profile"]
OFFICER = ["/", "/enforcement/cases", "/deadlines", "/oversight"]


class Run:
    def __init__(self, base, artifacts, secrets=None):
        self.base, self.artifacts, self.failures, self.rows = base, artifacts, [], []
        self.secrets = secrets or {}
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
        self.audit(who, path)

    def audit(self, who, path):
        """The page now open: its width against the window, and axe-core."""
        name = f"{who} {path}"
        # Measured on a phone whatever the window: a page reached at desktop width is narrowed to 390 px for the check.
        size = self.driver.get_window_size()
        narrowed = size["width"] > 400
        if narrowed:
            self.driver.set_window_size(390, 844)
        inner = self.driver.execute_script("return window.innerWidth")
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        if narrowed:
            self.driver.set_window_size(size["width"], size["height"])
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
            self.fail(f"journey {name}", " ".join(str(error).split())[:400] if str(error) else type(error).__name__)


def totp(secret, at=None):
    """RFC 6238: the six digits an authenticator shows for a base32 secret (SHA-1, 30 s)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def day(offset):
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def set_value(driver, element, value):
    """Types into text fields; sets dates and selects by script (their widgets differ between locales)."""
    kind = (element.get_attribute("type") or "").lower()
    if element.tag_name == "select" or kind == "date":
        driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))", element, value)
    else:
        element.clear()
        element.send_keys(value)


def fill(driver, form, values):
    for name, value in values.items():
        set_value(driver, form.find_element(By.NAME, name), value)


def submit(run, form):
    """Clicks the form's button as a user would, and waits for the next page."""
    old = run.driver.find_element(By.TAG_NAME, "html")
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    run.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    WebDriverWait(run.driver, 30).until(lambda d: _stale(old))
    # Every page a journey reaches gets the same audit as the listed pages.
    run.audit("journey", run.driver.current_url.replace(run.base, "").split("?")[0])


def _stale(element):
    try:
        element.is_enabled()
        return False
    except Exception:
        return True


def step_form(run, action):
    """The form on the page that carries the hidden action `action` (opened if folded in a <details>)."""
    forms = [f for f in run.driver.find_elements(By.CSS_SELECTOR, "main form")
             if f.find_elements(By.CSS_SELECTOR, f"input[name=action][value='{action}']")]
    expect(forms, f"no form for the step “{action}” on {run.driver.current_url}")
    run.driver.execute_script("var d = arguments[0].closest('details'); if (d) d.open = true", forms[0])
    return forms[0]


def errors_on_page(run):
    summary = run.driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    return summary[0].text if summary else ""


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
        links = [a for a in run.driver.find_elements(By.CSS_SELECTOR, "main a") if "人民政府" in a.text and "法治政府建设情况报告" in a.text]
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

    def admin_creates_account():
        expect(run.secrets.get("sysadmin"), "no TOTP secret for sysadmin in the demo banner")
        run.driver.delete_all_cookies()
        run.driver.set_window_size(1280, 900)
        run.get("/login")
        form = run.driver.find_element(By.CSS_SELECTOR, "main form")
        fill(run.driver, form, {"loginName": "sysadmin", "password": PASSWORD, "totp": totp(run.secrets["sysadmin"])})
        submit(run, form)
        expect("/login" not in run.driver.current_url, f"the administrator could not log in with TOTP: {errors_on_page(run)}")
        run.get("/users/new")
        login = "browser%d" % (int(time.time()) % 100000)
        form = run.driver.find_element(By.CSS_SELECTOR, "main form")
        fill(run.driver, form, {"loginName": login, "displayName": "浏览器测试", "unitCode": "SFX-SCJG", "password": "Browser@Test2026x"})
        submit(run, form)
        expect(run.driver.find_element(By.TAG_NAME, "h1").text == "账户：浏览器测试", f"no account page after creating: {errors_on_page(run)}")
        run.get("/users?q=" + login)
        expect(login in run.text(), "the new account is not in the list")

    def penalty_to_public():
        run.login("officer.scjg")
        run.get("/enforcement/officers")
        certificates = re.findall(r"(SFX\d{6}) \d{4}-\d{2}-\d{2} 有效", run.text())
        expect(len(certificates) >= 2, "fewer than two valid certificates in the bureau")
        number = "示SCJG罚〔%s〕B%d号" % (day(0)[:4], int(time.time()) % 100000)
        run.get("/enforcement/cases/new")
        form = run.driver.find_element(By.CSS_SELECTOR, "main form")
        fill(run.driver, form, {"caseNumber": number, "unitCode": "SFX-SCJG", "partyKind": "legal", "party": "示范县浏览器商贸有限公司",
                                "violation": "销售过期食品", "violationOn": day(-40), "discoveredOn": day(-30)})
        submit(run, form)
        expect(number in run.text(), f"no case page after registering the lead: {errors_on_page(run)}")
        for action, on, values in [("file", -29, {"officers": ",".join(certificates[:2])}), ("notify", -20, {}),
                                   ("decide", -6, {"fine": "5000", "text": "没收过期食品，罚款五千元"}), ("publish", -3, {})]:
            form = step_form(run, action)
            fill(run.driver, form, dict(values, on=day(on)))
            submit(run, form)
            expect(not errors_on_page(run), f"step {action}: {errors_on_page(run)}")
        # A citizen on a phone finds the published decision on the public site, the party's name shown for a company.
        run.driver.delete_all_cookies()
        run.driver.set_window_size(390, 844)
        run.get("/gongshi")
        rows = [tr for tr in run.driver.find_elements(By.CSS_SELECTOR, "main tr") if number in tr.text]
        expect(rows, "the published decision is not on /gongshi")
        links = rows[0].find_elements(By.CSS_SELECTOR, "a")
        expect(links, "the decision's row has no link")
        target = links[0].get_attribute("href")
        links[0].click()
        WebDriverWait(run.driver, 30).until(lambda d: d.current_url == target)
        expect("罚款五千元" in run.text(), "the public page does not show the decision")

    def report_published():
        run.login("supervisor")
        # A department without last year's report (a server used before may hold some already).
        for unit in ["SFX-ZRZY", "SFX-JT", "SFX-STHJ", "SFX-RS", "SFX-ZJ", "SFX-GA", "SFX-JY"]:
            run.get("/reports")
            forms = [f for f in run.driver.find_elements(By.CSS_SELECTOR, "main form") if f.find_elements(By.NAME, "unitCode")]
            expect(forms, "no form to create a report")
            fill(run.driver, forms[0], {"year": str(datetime.date.today().year - 1), "unitCode": unit, "kind": "ruleOfLaw"})
            submit(run, forms[0])
            if "已有" not in errors_on_page(run) and "已经" not in errors_on_page(run):
                break
        expect("/reports/" in run.driver.current_url and not errors_on_page(run), f"no report after creating: {errors_on_page(run)}")
        title = run.driver.find_element(By.TAG_NAME, "h1").text
        for action, values in [("submit", {}), ("approve", {"official": "局长 周某"}), ("publish", {})]:
            form = step_form(run, action)
            fill(run.driver, form, values)
            submit(run, form)
            expect(not errors_on_page(run), f"step {action}: {errors_on_page(run)}")
        run.driver.delete_all_cookies()
        run.get("/gongshi/reports")
        expect(title in run.text(), f"“{title}” is not on the public site")

    def resident_id(serial):
        """A valid 18-digit number (GB 11643 check digit) in the demo's region 999999, which is no real one."""
        body = "999999" + "19800101" + "%03d" % (serial % 1000)
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]

    def reconsideration_to_decision():
        run.login("supervisor")
        run.get("/reconsideration/new")
        form = run.driver.find_element(By.CSS_SELECTOR, "main form")
        fill(run.driver, form, {"receivedOn": day(-20), "channel": "inPerson", "applicantKind": "naturalPerson", "applicantName": "浏览器申请人",
                                "applicantID": resident_id(int(time.time())), "respondentCode": "SFX-SCJG", "actCategory": "penalty",
                                "actOn": day(-40), "request": "撤销行政处罚决定书"})
        submit(run, form)
        expect("/reconsideration/" in run.driver.current_url and not errors_on_page(run), f"no case after registering: {errors_on_page(run)}")
        case_url = run.driver.current_url
        for action, on, values in [("accept", -18, {"procedure": "ordinary", "major": "0"}), ("send-copy", -17, {}), ("receive-reply", -8, {}),
                                   ("conclude", -2, {"outcome": "uphold"}), ("serve", -1, {})]:
            form = step_form(run, action)
            fill(run.driver, form, dict(values, on=day(on)))
            submit(run, form)
            expect(not errors_on_page(run), f"step {action}: {errors_on_page(run)}")
        expect(run.driver.current_url.split("?")[0] == case_url.split("?")[0], "the case page did not come back after the steps")
        documents = sorted({a.get_attribute("href") for a in run.driver.find_elements(By.CSS_SELECTOR, "main a") if "/documents/" in (a.get_attribute("href") or "")})
        expect(len(documents) >= 3, f"the decided case offers {len(documents)} notices to download")
        for url in documents:
            status, kind, size = run.driver.execute_async_script(
                "const done = arguments[1]; fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'), b.byteLength])))"
                ".catch(e => done([0, String(e), 0]))", url)
            expect(status == 200 and "wordprocessingml" in (kind or "") and size > 2000, f"{url}: {status} {kind} {size} bytes")

    def review_campaign():
        run.login("supervisor")
        run.get("/supervision/reviews/new")
        form = run.driver.find_element(By.CSS_SELECTOR, "main form")
        year = datetime.date.today().year - 1
        fill(run.driver, form, {"title": "浏览器评查%d" % (int(time.time()) % 100000), "periodFrom": "%d-01-01" % year, "periodTo": "%d-12-31" % year,
                                "seed": "20261126", "ratePercent": "10", "minimumPerStratum": "1", "reviewers": "supervisor,reviewer.scjg"})
        submit(run, form)
        expect("/supervision/reviews/" in run.driver.current_url and not errors_on_page(run), f"no campaign after drawing: {errors_on_page(run)}")
        files = [a.get_attribute("href") for a in run.driver.find_elements(By.CSS_SELECTOR, "main a") if "/supervision/reviews/files/" in (a.get_attribute("href") or "")]
        expect(files, "the campaign drew no files")
        for url in files:
            run.driver.get(url)
            scores = run.driver.find_elements(By.CSS_SELECTOR, "main form input[name^='score-']")
            if not scores:
                continue  # assigned to the other reviewer
            for field in scores:
                label = run.driver.find_element(By.CSS_SELECTOR, f"label[for='{field.get_attribute('id')}']").text
                points = re.search(r"满分(\d+)", label)
                set_value(run.driver, field, points.group(1) if points else "0")
            submit(run, scores[0].find_element(By.XPATH, "./ancestor::form"))
            expect(not errors_on_page(run), f"scoring: {errors_on_page(run)}")
            expect("100" in run.text() and ("优秀" in run.text() or "合格" in run.text()), "the scored file shows no grade")
            return
        raise AssertionError("no drawn file was assigned to the supervisor")

    run.journey("an administrator logs in with TOTP and creates an account", admin_creates_account)
    run.journey("a reconsideration case from receipt to decision, its notices downloaded", reconsideration_to_decision)
    run.journey("the supervisor runs a review campaign and scores a file", review_campaign)
    run.journey("an officer carries a penalty case from lead to publication; a citizen finds it on /gongshi", penalty_to_public)
    run.journey("a department's report is drafted, approved and published", report_published)
    run.journey("the menu folds on a phone and opens without script", menu_on_phone)
    run.journey("a form with errors keeps what was typed", form_keeps_input)
    run.journey("a citizen reads last year's published report on a phone", citizen_finds_report)
    run.journey("an officer's dashboard: deadlines and the unit's score", officer_deadline_warning)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fazhi", required=True)
    parser.add_argument("--artifacts", default="ci-artifacts/browser")
    parser.add_argument("--base", help="an already running demo server instead of starting one")
    parser.add_argument("--banner", help="with --base: the file holding that server's demo banner (the TOTP secrets)")
    args = parser.parse_args()
    server = None
    if args.base:
        base = args.base
    else:
        work = scratch_dir("fazhi-browser-")
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
        banner_file = args.banner if args.base else os.path.join(work, "serve.log")
        banner = open(banner_file).read() if banner_file and os.path.exists(banner_file) else ""
        secrets = dict(re.findall(r"^\s*(\S+)\s.*动态口令密钥 ([A-Z2-7]+)", banner, re.M))
        run = Run(base, args.artifacts, secrets)
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
        print(f"browser: {pages} page views ({len(PUBLIC) + len(SUPERVISOR) + len(OFFICER)} listed pages and every page the journeys reach), "
              f"{clean} within a 390 px viewport with 0 axe violations; {len(run.failures)} failures; {time.time() - started:.1f} s")
        with open(os.path.join(tempfile.gettempdir(), "fazhi-browser-results.json"), "w") as f:
            json.dump({"pages": run.rows, "failures": run.failures}, f, ensure_ascii=False, indent=1)
        sys.exit(1 if run.failures else 0)
    finally:
        if server:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    run_main(main)
