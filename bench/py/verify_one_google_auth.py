"""Verify one ID token with google-auth, as a backend does: fetch the certs, check aud and exp."""
import sys
import google.auth.transport.requests
from google.oauth2 import id_token

token, audience, certs_url = sys.argv[1], sys.argv[2], sys.argv[3]
claims = id_token.verify_token(token, google.auth.transport.requests.Request(), audience=audience, certs_url=certs_url)
assert claims["aud"] == audience
