"""Exchange a serverAuthCode with google-auth-oauthlib's Flow.fetch_token."""
import os, sys
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # the emulator is plain HTTP on 127.0.0.1
os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"
from google_auth_oauthlib.flow import Flow

secrets, code, redirect_uri = sys.argv[1], open(sys.argv[2]).read().strip(), sys.argv[3]
flow = Flow.from_client_secrets_file(secrets, scopes=None, redirect_uri=redirect_uri)
flow.fetch_token(code=code)
assert flow.credentials.refresh_token
