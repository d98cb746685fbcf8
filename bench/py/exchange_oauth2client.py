"""Exchange a serverAuthCode with oauth2client, as Google's older server samples do."""
import sys
from oauth2client import client

secrets, code = sys.argv[1], open(sys.argv[2]).read().strip()
creds = client.credentials_from_clientsecrets_and_code(secrets, [], code, redirect_uri="")
assert creds.refresh_token
