"""Verify N tokens from a file in one Python process; prints tokens per second.

usage: verify_batch.py google-auth|pyjwt TOKENS JWKS PEM AUDIENCE N
"""
import json, sys, time

lib, tokens_path, jwks_path, pem_path, audience, n = sys.argv[1:7]
n = int(n)
with open(tokens_path) as f:
    tokens = [next(f).strip() for _ in range(n)]

if lib == "google-auth":
    from google.auth import jwt as gjwt
    certs = json.load(open(pem_path))
    verify = lambda t: gjwt.decode(t, certs=certs, audience=audience, clock_skew_in_seconds=60)
else:
    import jwt
    keys = {k["kid"]: jwt.PyJWK(k).key for k in json.load(open(jwks_path))["keys"]}
    def verify(t):
        kid = jwt.get_unverified_header(t)["kid"]
        return jwt.decode(t, keys[kid], algorithms=["RS256"], audience=audience, leeway=60)

start = time.perf_counter()
for t in tokens:
    verify(t)
elapsed = time.perf_counter() - start
print(f"{n / elapsed:.0f}")
