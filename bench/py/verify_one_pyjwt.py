"""Verify one ID token with PyJWT against a saved JWKS (the warm-cache path)."""
import json, sys
import jwt

token, audience, jwks_path, issuer = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
keys = {k["kid"]: jwt.PyJWK(k) for k in json.load(open(jwks_path))["keys"]}
kid = jwt.get_unverified_header(token)["kid"]
jwt.decode(token, keys[kid].key, algorithms=["RS256"], audience=audience, issuer=issuer, leeway=60)
