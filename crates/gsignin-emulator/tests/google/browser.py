"""A stand-in browser for tests/google/clients.py: given as BROWSER, it opens the
authorization URL and follows every redirect (the emulator auto-approves), landing on the
library's loopback listener. It refuses any non-loopback URL.

Like a real browser launcher it returns at once (Python's webbrowser waits for the command,
and the library starts listening only after that): the page is fetched by a detached child."""
import os
import subprocess
import sys
import urllib.parse
import urllib.request

url = sys.argv[-1]
host = urllib.parse.urlsplit(url).hostname
if host not in ("127.0.0.1", "localhost", "::1"):
    sys.exit(f"test browser: refusing non-loopback URL host {host}")
if sys.argv[1] != "--fetch":
    subprocess.Popen([sys.executable, __file__, "--fetch", url], start_new_session=True)
    sys.exit(0)
with urllib.request.urlopen(url, timeout=30) as resp:
    resp.read()
