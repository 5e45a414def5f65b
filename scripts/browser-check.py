#!/usr/bin/env python3
"""Pages in a real browser: headless Chromium (selenium) opens each page of a running
Mosaic, saves a screenshot to look at, and runs axe-core for WCAG 2.1 A/AA.

    python3 scripts/browser-check.py BASE_URL OUT_DIR [--email E --password P] PATH...

Paths after `staff:` are opened signed in (through the sign-in form). Prints one line per
page (violations by rule) and exits 1 when any page has a violation. Needs `selenium` and
`axe-playwright-python` (PyPI, which ships axe-core 4.12's axe.min.js; installed with --no-deps, in a throw-away venv: never a product dependency) and
Chromium with its driver (apt-get install chromium chromium-driver).
"""
import argparse
import json
import os
import re
import sys

import importlib.util

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def axe_source():
    """axe.min.js from a wheel that ships it: axe-playwright-python (axe-core 4.12, installed
    with --no-deps: only its script is used) before axe-core-python (axe-core 4.4)."""
    for package in ("axe_playwright_python", "axe_core_python"):
        spec = importlib.util.find_spec(package)
        if spec and spec.submodule_search_locations:
            path = os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js")
            if os.path.exists(path):
                return open(path).read()
    sys.exit("browser-check: no axe.min.js: pip install --no-deps axe-playwright-python")


AXE = axe_source()
AXE_VERSION = (re.search(r"axe v([0-9.]+)", AXE[:500]) or re.search(r"(\?)", "?")).group(1)
WCAG = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}


def browser(width):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(300)
    return driver


def sign_in(driver, base, email, password):
    driver.get(base + "/login")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: not d.current_url.endswith("/login"))


def main():
    a = argparse.ArgumentParser()
    a.add_argument("base")
    a.add_argument("out")
    a.add_argument("--email")
    a.add_argument("--password")
    a.add_argument("--width", type=int, default=1280)
    a.add_argument("paths", nargs="+")
    args = a.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failed = False
    best_practice = 0
    driver = browser(args.width)
    signed_in = False
    try:
        for item in args.paths:
            staff = item.startswith("staff:")
            path = item[len("staff:"):] if staff else item
            if staff and not signed_in:
                sign_in(driver, args.base, args.email, args.password)
                signed_in = True
            driver.get(args.base + path)
            name = ((args.email.split("@")[0] + "-" if staff and args.email else "") + (path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_").replace("=", "-"))[:120] or "home") + os.environ.get("MOSAIC_SHOT_SUFFIX", "")
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(args.width, min(max(height, 600), 8000))
            driver.save_screenshot(os.path.join(args.out, name + ".png"))
            driver.execute_script(AXE)
            result = driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
                ".then(done, e => done({violations: [{id: 'axe-error: ' + e, tags: ['wcag2a'], nodes: []}]}));")
            wcag = [v for v in result["violations"] if WCAG & set(v["tags"])]
            # On a phone the page itself must not scroll sideways (WCAG 1.4.10 reflow at
            # 320 CSS px; wide tables scroll inside their own region instead).
            wide = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            if args.width <= 480 and wide > 1:
                wcag.append({"id": f"page-scrolls-sideways-by-{wide}px", "tags": ["wcag21aa"], "nodes": [{}]})
            practice = [v for v in result["violations"] if not WCAG & set(v["tags"])]
            violations = wcag + practice
            if wcag:
                failed = True
            best_practice += sum(len(v["nodes"]) for v in practice)
            summary = ", ".join(f"{v['id']} ({len(v['nodes'])})" for v in wcag) or "no WCAG violations"
            if practice:
                summary += "; best practice: " + ", ".join(f"{v['id']} ({len(v['nodes'])})" for v in practice)
            print(f"{item}: {driver.title!r}: {summary}", flush=True)
            if violations:
                with open(os.path.join(args.out, name + ".axe.json"), "w") as f:
                    json.dump(violations, f, indent=1)
    finally:
        driver.quit()
    print(f"axe-core {AXE_VERSION}: {len(args.paths)} pages at {args.width} px, "
          f"{'WCAG 2.1 A/AA violations found' if failed else '0 WCAG 2.1 A/AA violations'}, "
          f"{best_practice} best-practice findings", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
