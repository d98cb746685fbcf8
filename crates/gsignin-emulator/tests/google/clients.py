"""Google's own Python client libraries against the gsignin emulator, unchanged but for the
endpoint overrides each library offers. Run by tests/it/google_clients.rs with:

  EMU            the emulator's base URL
  CLIENT_SECRET  its client secret file (web form, with revoke_uri and token_info_uri)
  WEB_CODE       a serverAuthCode minted for redirect_uri "postmessage" (a web sign-in)
  CLIENT_ID      the web client's ID
  INSTALLED_SECRET  the Desktop client's secret file (installed form)

Any request to a host that is not this machine fails the run: nothing may reach Google.
Prints one line per check; exits non-zero on the first failure.
"""
import json
import os
import socket
import sys

EMU = os.environ["EMU"]
CLIENT_SECRET = os.environ["CLIENT_SECRET"]
WEB_CODE = os.environ["WEB_CODE"]
CLIENT_ID = os.environ["CLIENT_ID"]
INSTALLED_SECRET = os.environ["INSTALLED_SECRET"]

# Refuse every non-loopback connection before any library is imported.
_real_getaddrinfo = socket.getaddrinfo
stray = []


def loopback_only(host, *args, **kwargs):
    if host not in ("127.0.0.1", "localhost", "::1"):
        stray.append(host)
        raise OSError(f"test guard: refusing to resolve non-loopback host {host}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = loopback_only

import httplib2  # noqa: E402
from oauth2client import client  # noqa: E402
import google.auth.transport.requests  # noqa: E402
import google.oauth2.credentials  # noqa: E402
import google.oauth2.id_token  # noqa: E402
from googleapiclient.discovery import build  # noqa: E402
from googleapiclient.errors import HttpError  # noqa: E402
from google_auth_oauthlib.flow import InstalledAppFlow  # noqa: E402
import urllib.request  # noqa: E402


def check(name, ok, detail=""):
    print(json.dumps({"check": name, "ok": bool(ok), "detail": str(detail)}))
    if not ok:
        sys.exit(1)


# oauth2client, as Google's sample backend does it: trade the web sign-in's code.
creds = client.credentials_from_clientsecrets_and_code(
    CLIENT_SECRET, ["openid", "email", "profile"], WEB_CODE
)
check("oauth2client exchange", creds.id_token["email"] == "alice@example.com", creds.id_token)
check("oauth2client id_token iss", creds.id_token["iss"] in ("https://accounts.google.com", "accounts.google.com"))
http = httplib2.Http()
creds.refresh(http)
check("oauth2client refresh", creds.access_token.startswith("ya29."))
info = creds.get_access_token(http)
check("oauth2client access token", info.access_token == creds.access_token)

# google-auth: verify the ID token as Google's own verifier does (Google's certs URL pointed at
# the emulator, the one override this function has).
request = google.auth.transport.requests.Request()
google.oauth2.id_token._GOOGLE_OAUTH2_CERTS_URL = EMU + "/oauth2/v1/certs"
claims = google.oauth2.id_token.verify_oauth2_token(creds.token_response["id_token"], request, CLIENT_ID)
check("google-auth verify_oauth2_token", claims["email"] == "alice@example.com", claims)

# google-auth credentials from the stored refresh token, refreshed at the emulator.
gcreds = google.oauth2.credentials.Credentials(
    token=None,
    refresh_token=creds.refresh_token,
    token_uri=EMU + "/token",
    client_id=CLIENT_ID,
    client_secret=json.load(open(CLIENT_SECRET))["web"]["client_secret"],
)
gcreds.refresh(request)
check("google-auth refresh", gcreds.token.startswith("ya29."))

# google-api-python-client: Drive v3's app data folder, at the emulator's endpoint.
drive = build("drive", "v3", credentials=gcreds, client_options={"api_endpoint": EMU + "/drive/v3/"}, static_discovery=True)
folder = drive.files().get(fileId="appfolder").execute()
check("drive files.get(appfolder)", folder.get("name") == "Application Data", folder)
files = drive.files().list(spaces="appDataFolder").execute()
check("drive files.list(appDataFolder)", "files" in files, files)

# google-api-python-client: the People API's people/me, from its bundled discovery document with
# the emulator as the endpoint (the path stays Google's own, v1/people/me). gcreds holds the
# default sign-in scopes, profile and email among them.
people = build("people", "v1", credentials=gcreds, client_options={"api_endpoint": EMU + "/"}, static_discovery=True)
me = people.people().get(resourceName="people/me", personFields="names,emailAddresses").execute()
check("people people.get(people/me)",
      me["emailAddresses"][0]["value"] == "alice@example.com" and me["names"][0]["displayName"], me)
try:
    people.people().get(resourceName="people/me").execute()
    check("people people.get without personFields is HttpError 400", False, "answered 2xx")
except HttpError as e:
    check("people people.get without personFields is HttpError 400",
          e.resp.status == 400 and "personFields mask is required" in str(e), e)

# oauth2client revokes at the client secret's revoke_uri (the emulator's, not Google's), with a
# GET, which Google answers 404 (googleapis/oauth2client #750): so does the emulator.
try:
    creds.revoke(http)
    check("oauth2client revoke", False, "a GET revoke succeeded; Google answers 404")
except client.TokenRevokeError as e:
    check("oauth2client revoke", "404" in str(e), e)

# google-auth-oauthlib's InstalledAppFlow, as a desktop tool signs in: its own loopback listener,
# PKCE, the client secret's auth_uri; the "browser" (tests/google/browser.py, from BROWSER)
# follows the emulator's auto-approved redirect.
# oauthlib refuses http URLs unless told this is local testing (the emulator serves https
# too, with --tls).
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
urllib.request.urlopen(urllib.request.Request(
    EMU + "/control/settings", data=b'{"auto_approve": true}',
    headers={"content-type": "application/json"}, method="POST")).read()
flow = InstalledAppFlow.from_client_secrets_file(
    INSTALLED_SECRET,
    scopes=["openid", "https://www.googleapis.com/auth/userinfo.email",
            "https://www.googleapis.com/auth/drive.appdata"],
)
desktop = flow.run_local_server(port=0, open_browser=True, timeout_seconds=30)
check("google-auth-oauthlib run_local_server", desktop.token.startswith("ya29.") and desktop.refresh_token, desktop.to_json())
check("google-auth-oauthlib granted scopes", "https://www.googleapis.com/auth/drive.appdata" in desktop.granted_scopes, desktop.granted_scopes)
claims = google.oauth2.id_token.verify_oauth2_token(desktop.id_token, request, flow.client_config["client_id"])
check("google-auth verify_oauth2_token (desktop)", claims["email"] == "alice@example.com", claims)

check("no request left this machine", not stray, stray)
