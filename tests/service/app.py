"""An app in the emulator's service network, for tests/it/service.rs: run inside the test's
network namespace, where `google-emulator` is the emulator's service name (10.89.0.2), it
reaches the emulator only by that name, as a compose service would. Environment:

  EMU            the emulator's public URL (http://google-emulator:8080)
  TOKEN          the control token the emulator printed
  CLIENT_SECRET  the client secret file the emulator wrote (web form)
  CLIENT_ID      the web client's ID

Checks the control API's guard (token, Host), discovery, and Google's own Python libraries
(oauth2client's code exchange, google-auth's verify_token and refresh, Drive v3 through
google-api-python-client). Prints one JSON line per check, exits non-zero on the first failure;
its last line is {"code": ...}, a serverAuthCode minted for the test's gsignin to exchange.
"""
import http.client
import json
import os
import socket
import sys

EMU = os.environ["EMU"]
TOKEN = os.environ["TOKEN"]
CLIENT_SECRET = os.environ["CLIENT_SECRET"]
CLIENT_ID = os.environ["CLIENT_ID"]
SERVICE = "google-emulator"
ADDRESS = "10.89.0.2"

# Nothing but the service may be resolved: no request can go anywhere else, Google included.
_real_getaddrinfo = socket.getaddrinfo
stray = []


def service_only(host, *args, **kwargs):
    if host not in (SERVICE, ADDRESS):
        stray.append(host)
        raise OSError(f"test guard: refusing to resolve {host}: only {SERVICE} is reachable")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = service_only

from oauth2client import client  # noqa: E402
import google.auth.transport.requests  # noqa: E402
import google.oauth2.credentials  # noqa: E402
import google.oauth2.id_token  # noqa: E402
from googleapiclient.discovery import build  # noqa: E402


def check(name, ok, detail=""):
    print(json.dumps({"check": name, "ok": bool(ok), "detail": str(detail)}), flush=True)
    if not ok:
        sys.exit(1)


def call(method, path, body=None, token=None, host=None, to=SERVICE):
    """One request to the emulator at `to` (its name, or its address), with Host `host`."""
    conn = http.client.HTTPConnection(to, 8080, timeout=10)
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    if host is not None:
        headers["host"] = host
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    try:
        return resp.status, json.loads(raw)
    except ValueError:
        return resp.status, raw


# Discovery names the service, as every answer does.
status, doc = call("GET", "/.well-known/openid-configuration")
check("discovery names the public URL",
      status == 200 and doc["issuer"] == EMU and doc["token_endpoint"] == EMU + "/token", doc)

# The control API: refused without the token or with another, and from a Host that is neither
# loopback nor the public URL's even with it; open with it.
status, body = call("POST", "/control/codes", {})
check("control without the token is 401", status == 401 and "error" in body, (status, body))
status, body = call("POST", "/control/codes", {}, token="x" * len(TOKEN))
check("control with a wrong token is 401", status == 401, (status, body))
status, body = call("GET", "/control/stats")
check("every control path wants the token", status == 401, (status, body))
status, body = call("POST", "/control/codes", {}, token=TOKEN, host=f"{ADDRESS}:8080", to=ADDRESS)
check("control under another Host is 403", status == 403, (status, body))
status, web = call("POST", "/control/codes", {"redirect_uri": "postmessage"}, token=TOKEN)
check("control with the token mints a code", status == 200 and web["code"].startswith("4/"), web)

# oauth2client, as Google's sample backend trades a web sign-in's code: at the client secret's
# token_uri, the service's.
creds = client.credentials_from_clientsecrets_and_code(
    CLIENT_SECRET, ["openid", "email", "profile"], web["code"]
)
check("oauth2client exchange at the service", creds.id_token["email"] == "alice@example.com", creds.id_token)

# google-auth: the ID token verified against the service's certs; its iss is the public URL.
request = google.auth.transport.requests.Request()
claims = google.oauth2.id_token.verify_token(
    creds.token_response["id_token"], request, audience=CLIENT_ID, certs_url=EMU + "/oauth2/v1/certs"
)
check("google-auth verify_token against the service", claims["iss"] == EMU and claims["aud"] == CLIENT_ID, claims)

gcreds = google.oauth2.credentials.Credentials(
    token=None,
    refresh_token=creds.refresh_token,
    token_uri=EMU + "/token",
    client_id=CLIENT_ID,
    client_secret=json.load(open(CLIENT_SECRET))["web"]["client_secret"],
)
gcreds.refresh(request)
check("google-auth refresh at the service", gcreds.token.startswith("ya29."))

drive = build("drive", "v3", credentials=gcreds, client_options={"api_endpoint": EMU + "/drive/v3/"},
              static_discovery=True)
files = drive.files().list(spaces="appDataFolder").execute()
check("drive files.list(appDataFolder) at the service", "files" in files, files)

check("nothing but the service was reached", not stray, stray)

# Another user than the one above: a user's first code for a client is the one that carries
# a refresh token.
status, code = call("POST", "/control/codes", {"email": "carol@example.com"}, token=TOKEN)
if status != 200:
    check("a code for gsignin", False, (status, code))
print(json.dumps({"code": code["code"]}), flush=True)
