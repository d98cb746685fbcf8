"""Tokens of every Google-signed kind, made by software independent of gsignin (PyJWT and
cryptography), for gsignin's tests of `whoami`'s kinds.

    python sign.py OUT_DIR NOW JKU_URL

Writes OUT_DIR/tokens.json ({name: token}), OUT_DIR/rsa-certs.json (a map of key ID to X.509
PEM certificate, as Google publishes for Firebase and service accounts), OUT_DIR/rsa-jwks.json,
OUT_DIR/ec-jwks.json (IAP's form), OUT_DIR/ec-pem.json (IAP's map of key ID to PEM public key)
and OUT_DIR/all-jwks.json (both keys, for a batch of every kind). NOW is the Unix time the
tokens are made at; JKU_URL is put in a `jku` header that must never be fetched.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import sys

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

out, now, jku = sys.argv[1], int(sys.argv[2]), sys.argv[3]
RSA_KID = "rsa-independent-1"
EC_KID = "ec-independent-1"
PROJECT = "demo-app"
ACCOUNT = "ci-bot@demo-app.iam.gserviceaccount.com"
IAP_AUD = "/projects/123456789/global/backendServices/987654321"

rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_b64(n: int, length: int) -> str:
    return b64(n.to_bytes(length, "big"))


def certificate(key) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "independent test key")])
    start = datetime.datetime.fromtimestamp(now - 86400, datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


rsa_public = rsa_key.public_key()
rsa_pem = rsa_public.public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
numbers = rsa_public.public_numbers()
rsa_jwk = {
    "kty": "RSA",
    "alg": "RS256",
    "use": "sig",
    "kid": RSA_KID,
    "n": int_b64(numbers.n, 256),
    "e": int_b64(numbers.e, 3),
}
point = ec_key.public_key().public_numbers()
ec_jwk = {
    "kty": "EC",
    "alg": "ES256",
    "use": "sig",
    "crv": "P-256",
    "kid": EC_KID,
    "x": int_b64(point.x, 32),
    "y": int_b64(point.y, 32),
}
ec_pem = ec_key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
).decode()


def rs256(claims, **header):
    return jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": RSA_KID, **header})


def es256(claims, **header):
    return jwt.encode(claims, ec_key, algorithm="ES256", headers={"kid": EC_KID, **header})


def hs256_with_public_key(claims, kid):
    # The classic confusion: HMAC keyed with the issuer's public key, which anyone has.
    # (PyJWT refuses a PEM as an HMAC secret, so this one is made by hand.)
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = b64(json.dumps(claims).encode())
    mac = hmac.new(rsa_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(mac)}"


def unsigned(claims):
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64(json.dumps(claims).encode())}."


hour = 3600
google = {
    "iss": "https://accounts.google.com",
    "azp": "123-web.apps.googleusercontent.com",
    "aud": "123-web.apps.googleusercontent.com",
    "sub": "110000000000000000001",
    "email": "alice@example.com",
    "email_verified": True,
    "iat": now - 60,
    "exp": now - 60 + hour,
}
service_account_id = {
    "iss": "https://accounts.google.com",
    "aud": "https://backend-abc123-uc.a.run.app",
    "azp": "110000000000000000099",
    "sub": "110000000000000000099",
    "email": ACCOUNT,
    "email_verified": True,
    "iat": now - 60,
    "exp": now - 60 + hour,
}
firebase = {
    "iss": f"https://securetoken.google.com/{PROJECT}",
    "aud": PROJECT,
    "auth_time": now - 120,
    "user_id": "uid-42",
    "sub": "uid-42",
    "iat": now - 60,
    "exp": now - 60 + hour,
    "email": "bob@example.com",
    "email_verified": True,
    "firebase": {"identities": {"google.com": ["1100"]}, "sign_in_provider": "google.com"},
}
session = dict(firebase, iss=f"https://session.firebase.google.com/{PROJECT}", exp=now + 5 * 86400)
iap = {
    "iss": "https://cloud.google.com/iap",
    "aud": IAP_AUD,
    "sub": "accounts.google.com:110000000000000000001",
    "email": "carol@example.com",
    "hd": "example.com",
    "iat": now - 30,
    "exp": now - 30 + 600,
    "google": {"access_levels": []},
}
account_jwt = {
    "iss": ACCOUNT,
    "sub": ACCOUNT,
    "aud": "https://pubsub.googleapis.com/",
    "iat": now - 60,
    "exp": now - 60 + hour,
}

tokens = {
    "google_id_token": rs256(google),
    "service_account_id_token": rs256(service_account_id),
    "firebase_id_token": rs256(firebase),
    "firebase_session_cookie": rs256(session),
    "firebase_emulator_token": unsigned(firebase),
    "iap_jwt": es256(iap),
    "service_account_jwt": rs256(account_jwt),
    "service_account_jwt_for_user": rs256(dict(account_jwt, sub="dave@example.com")),
    # Each kind, wrong in one way.
    "firebase_wrong_audience": rs256(dict(firebase, aud="other-project")),
    "firebase_expired": rs256(dict(firebase, iat=now - 2 * hour, exp=now - hour)),
    "firebase_auth_time_in_future": rs256(dict(firebase, auth_time=now + 3600)),
    "firebase_long_sub": rs256(dict(firebase, sub="u" * 129, user_id="u" * 129)),
    "firebase_empty_sub": rs256(dict(firebase, sub="", user_id="")),
    "firebase_hs256_public_key": hs256_with_public_key(firebase, RSA_KID),
    "firebase_none_signed_iss": unsigned(dict(firebase, iss="https://accounts.google.com")),
    "firebase_jku": rs256(firebase, jku=jku),
    "firebase_es256": es256(firebase),
    "iap_wrong_audience": es256(dict(iap, aud="/projects/1/apps/other")),
    "iap_expired": es256(dict(iap, iat=now - 1200, exp=now - 600)),
    "iap_rs256": rs256(iap),
    "iap_hs256_public_key": hs256_with_public_key(iap, EC_KID),
    "iap_none": unsigned(iap),
    "iap_jku": es256(iap, jku=jku),
    "iap_too_long_lived": es256(dict(iap, exp=now - 30 + 3600)),
    "service_account_jwt_expired": rs256(dict(account_jwt, iat=now - 2 * hour, exp=now - hour)),
    "service_account_jwt_too_long_lived": rs256(dict(account_jwt, exp=now - 60 + 2 * hour)),
    "service_account_jwt_es256": es256(account_jwt),
    "service_account_jwt_x5u": rs256(account_jwt, x5u=jku),
    "google_id_token_es256": es256(google),
    "google_id_token_jwk_header": rs256(google, jwk=rsa_jwk),
}

os.makedirs(out, exist_ok=True)
files = {
    "tokens.json": tokens,
    "rsa-certs.json": {RSA_KID: certificate(rsa_key)},
    "rsa-jwks.json": {"keys": [rsa_jwk]},
    "ec-jwks.json": {"keys": [ec_jwk]},
    "ec-pem.json": {EC_KID: ec_pem},
    "all-jwks.json": {"keys": [rsa_jwk, ec_jwk]},
}
for name, value in files.items():
    with open(os.path.join(out, name), "w") as f:
        json.dump(value, f, indent=1)
