#!/usr/bin/env python3
"""The six users' jobs, clicked through in headless Chromium (selenium) from `/`, on a
running demo (scripts/browser-test starts one):

    python3 scripts/browser-jobs.py BASE_URL OUT_DIR --demo-log DEMO_LOG --password P --roster-zip ZIP

Accounts (password P): district@demo.example, principal@demo.example (leads sch8),
enrollment@demo.example, advocate@demo.example. Each job saves screenshots to OUT_DIR and
prints one line; the script exits 1 when any job fails.
"""
import argparse
import os
import re
import sys
import time
import traceback

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait


def browser(width=1280):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(300)
    return driver


class Job:
    def __init__(self, args, name):
        self.args, self.name = args, name
        self.driver = browser()
        self.shots = 0

    def shot(self, label):
        self.shots += 1
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(1280, min(max(height, 600), 6000))
        self.driver.save_screenshot(os.path.join(self.args.out, f"job-{self.name}-{self.shots:02d}-{label}.png"))

    def open(self, path):
        self.driver.get(self.args.base + path)

    def submit(self, css="form button[type=submit]"):
        """Clicks a form's button and waits for the page it leads to (the old one gone)."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        self.left(old, 600)

    def left(self, old, seconds):
        """Waits until `old` (the last page's root) is no longer in the document."""
        def gone(_):
            try:
                old.tag_name
                return False
            except WebDriverException:  # stale, or "does not belong to the document"
                return True
        WebDriverWait(self.driver, seconds, poll_frequency=0.5).until(gone)

    def click(self, text, partial=True):
        """Follows a link and waits for the page it leads to."""
        by = By.PARTIAL_LINK_TEXT if partial else By.LINK_TEXT
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(by, text).click()
        self.left(old, 300)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def expect(self, condition, what):
        if not condition:
            raise AssertionError(f"{what} (at {self.driver.current_url})")

    def wait(self, condition, what, seconds=600):
        try:
            WebDriverWait(self.driver, seconds, poll_frequency=1).until(lambda d: condition())
        except Exception:
            raise AssertionError(f"waited {seconds} s for {what} (at {self.driver.current_url})")

    def sign_in(self, email):
        """From `/`: the Sign in link, the form, and the page sign-in lands on."""
        self.open("/")
        self.click("Sign in")
        self.driver.find_element(By.NAME, "email").send_keys(email)
        self.driver.find_element(By.NAME, "password").send_keys(self.args.password)
        self.submit("form[action='/login'] button[type=submit]")
        self.wait(lambda: self.driver.current_url.endswith("/work"), "the role's own page after sign-in", 30)

    def status_of(self, href):
        """The HTTP status of a link, fetched by the page itself (with its cookies)."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => done(r.status), e => done(0));", href)


def board_member(j):
    """The public view: the Key Question at a glance, first on the district's overview."""
    j.open("/")
    j.click("2025–26")
    j.expect(j.driver.find_element(By.ID, "key-question").is_displayed(), "the Key Question grid")
    grid = j.driver.find_element(By.CSS_SELECTOR, "table.kq")
    j.expect(len(grid.find_elements(By.CSS_SELECTOR, "tbody tr")) >= 5, "a row per dimension")
    j.expect("New York City" in grid.text, "the reference named")
    j.shot("overview")
    grid.find_elements(By.PARTIAL_LINK_TEXT, "Details")[1].click()
    j.wait(lambda: "/schools" in j.driver.current_url, "a cell's detail: the schools page", 60)
    j.shot("detail")


def equity_officer(j):
    """District staff: import a term from the browser, then read its Key Question."""
    j.sign_in("district@demo.example")
    j.shot("work")
    j.click("Import a term")
    j.driver.find_element(By.NAME, "file").send_keys(os.path.abspath(j.args.roster_zip))
    j.driver.find_element(By.NAME, "term").send_keys("browser-test")
    j.driver.find_element(By.NAME, "title").send_keys("Imported in the browser")
    j.submit("form.tool button[type=submit]")
    j.shot("progress")
    j.wait(lambda: j.driver.current_url.endswith("/terms/browser-test"), "the imported term's overview")
    j.expect("The Key Question at a glance" in j.text(), "the new term's grid")
    j.shot("imported")


def principal(j):
    """A school leader: her eligible-but-not-enrolled list, class lists, the rebalanced sections."""
    j.sign_in("principal@demo.example")
    j.click("Eligible students in no advanced course")
    j.expect("eligible for an advanced class" in j.text(), "the school's eligible list")
    j.shot("eligible")
    j.driver.back()
    j.click("Class lists")
    j.submit("form.tool button[type=submit]")
    j.expect("The classes" in j.text(), "class lists made")
    j.shot("class-lists")
    j.driver.back()
    j.driver.back()
    j.click("Schedule")
    if "Review the schedule" in j.text() or "Review again" in j.text():
        if "Sections before and after" not in j.text():
            j.submit("form[action$='/review'] button[type=submit]")
    j.wait(lambda: "Sections before and after" in j.text(), "the schedule review")
    link = j.driver.find_element(By.PARTIAL_LINK_TEXT, "Download the re-sectioned sections")
    j.expect(j.status_of(link.get_attribute("href")) == 200, "the enrollments.csv export")
    j.shot("schedule")


def enrollment_office(j):
    """The enrollment office: a round end to end — create, upload, run, why-not, publish."""
    j.sign_in("enrollment@demo.example")
    j.click("All rounds, and a new one")
    j.driver.find_element(By.NAME, "name").send_keys("Browser round")
    j.driver.find_element(By.NAME, "reserve").clear()
    j.driver.find_element(By.NAME, "reserve").send_keys("30")
    names = [s.get_attribute("name") for s in j.driver.find_elements(By.CSS_SELECTOR, "input[name^=seats_]")[:3]]
    schools = [n[len("seats_"):] for n in names]
    for n in names:
        j.driver.find_element(By.NAME, n).send_keys("10")
    j.shot("new-round")
    j.submit("form.tool button[type=submit]")
    j.expect("Browser round" in j.driver.find_element(By.TAG_NAME, "h1").text, "the new round's page")
    path = os.path.abspath(os.path.join(j.args.out, "applications.csv"))
    with open(path, "w") as f:
        f.write("student_id,prefs,lottery,economic\n")
        for k in range(40):
            prefs = ";".join(schools[k % 3:] + schools[:k % 3])
            f.write(f"app{k + 1},{prefs},{(k * 37) % 101},{'disadvantaged' if k % 3 == 0 else ''}\n")
    j.driver.find_element(By.NAME, "file").send_keys(path)
    j.submit("form[enctype='multipart/form-data'] button[type=submit]")
    j.expect("40 applications checked and stored" in j.text(), "the applications stored")
    j.expect(j.driver.find_elements(By.PARTIAL_LINK_TEXT, "Download the codes"), "the families' codes")
    j.shot("uploaded")
    Select(j.driver.find_element(By.NAME, "mechanism")).select_by_value("da")
    j.driver.find_element(By.NAME, "seed").send_keys("7")
    j.submit("form[action$='/runs'] button[type=submit]")
    j.expect("the cutoff" in j.text(), "the run's schools and cutoffs")
    j.driver.find_element(By.NAME, "applicant").send_keys("app1")
    j.submit("form[action='#why'] button[type=submit]")
    j.wait(lambda: "applicant=app1" in j.driver.current_url and "app1:" in j.text(), "the why-not answer", 60)
    j.shot("run")
    j.submit("form[action$='/publish'] button[type=submit]")
    j.expect("is published" in j.text(), "published")


def family(j):
    """A Spanish-speaking parent: finds a school, applies with the letter's code, reads a result."""
    log = open(j.args.demo_log).read()
    m = re.search(r"reference (\S+), code (\S+); an application code for the second: (\S+)", log)
    j.expect(m, "the demo's example codes in its log")
    reference, code, invitation = m.group(1), m.group(2), m.group(3)
    j.open("/")
    j.click("Find a school")
    j.click("Español")
    j.expect(j.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es", "the finder in Spanish")
    j.shot("finder")
    j.driver.find_element(By.CSS_SELECTOR, "a[href^='/apply/']").click()
    j.driver.find_element(By.NAME, "invitation").send_keys(invitation)
    j.driver.find_element(By.NAME, "child").send_keys("Ana Pérez")
    j.driver.execute_script("arguments[0].value = '2019-04-30'", j.driver.find_element(By.NAME, "birth"))
    Select(j.driver.find_element(By.NAME, "grade")).select_by_value("01")
    Select(j.driver.find_element(By.NAME, "choice1")).select_by_index(1)
    Select(j.driver.find_element(By.NAME, "choice2")).select_by_index(2)
    j.shot("apply")
    j.submit()
    j.expect(j.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es", "the confirmation in Spanish")
    j.expect("Lo que envió para Ana Pérez" in j.text(), "the confirmation lists what was sent")
    j.shot("applied")
    j.open("/apply/district/1/result")
    j.driver.find_element(By.NAME, "reference").send_keys(reference)
    j.driver.find_element(By.NAME, "code").send_keys(code)
    j.submit()
    j.shot("result")
    j.expect("semilla" not in j.text().lower(), "no lottery seed on a family's result")


def advocate(j):
    """An advocate: signs in, lands on the district's answer, reads trends."""
    j.sign_in("advocate@demo.example")
    j.click("Trends")
    j.expect("Trends" in j.driver.title, "the trends page")
    j.shot("trends")


# The import last: it adds a term, which becomes every role's latest.
def board_member_anywhere(j):
    """Any US district from public data, in three clicks from /: type its name, pick it
    from the list that answers as you type, read its page (issue 24)."""
    j.open("/")
    box = j.driver.find_element(By.ID, "find-q")
    box.click()                                                   # 1
    box.send_keys("cobb county")
    j.wait(lambda: "Cobb County, Georgia" in j.driver.find_element(By.ID, "find-results").text, "the list answering as you type", 30)
    j.shot("search")
    j.driver.find_element(By.LINK_TEXT, "Cobb County, Georgia").click()   # 2
    j.wait(lambda: "/districts/crdc-georgia-cobb-county/terms/" in j.driver.current_url, "the district's page", 60)
    text = j.text()
    j.expect("Public data: CRDC 2015-16, high schools." in text, "the source labelled")
    j.expect("The district vs. Georgia public high schools, CRDC 2015-16" in text, "its state as the first level")
    j.expect("Among Georgia's districts" in text, "its place among the state's districts")
    j.shot("district")
    j.click("Advanced coursework")                                # 3
    j.wait(lambda: j.driver.current_url.endswith("/advanced"), "who takes AP", 60)
    j.shot("ap")


JOBS = [("board member", board_member), ("board member, any district", board_member_anywhere), ("principal", principal), ("enrollment office", enrollment_office),
        ("family", family), ("advocate", advocate), ("equity officer", equity_officer)]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("base")
    a.add_argument("out")
    a.add_argument("--demo-log", required=True)
    a.add_argument("--password", required=True)
    a.add_argument("--roster-zip", required=True)
    a.add_argument("--only")
    args = a.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failed = 0
    for name, job in JOBS:
        if args.only and args.only != name:
            continue
        j = Job(args, name.replace(" ", "-"))
        started = time.time()
        try:
            job(j)
            print(f"job {name}: done from the browser in {time.time() - started:.1f} s", flush=True)
        except Exception as e:
            failed += 1
            j.shot("failed")
            print(f"job {name}: FAILED: {e}", flush=True)
            traceback.print_exc()
        finally:
            j.driver.quit()
    print(f"browser jobs: {len([1 for n, _ in JOBS if not args.only or args.only == n]) - failed} done, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
