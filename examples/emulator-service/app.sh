#!/bin/sh
# The app of compose.yaml: a backend's job against the emulator, by its service name.
set -eu
emu=http://google-emulator:8080

# A serverAuthCode, as a mobile sign-in would hand one to the backend. The control token goes
# to curl on stdin (-H @-), not in argv, where the process list would show it.
code=$(printf 'authorization: Bearer %s\n' "$EMULATOR_CONTROL_TOKEN" |
  curl -fsS -X POST "$emu/control/codes" -H @- -H 'content-type: application/json' \
    -d '{"email":"alice@example.com"}' |
  sed -n 's/.*"code": "\([^"]*\)".*/\1/p')

printf '%s' "$code" | gsignin exchange - --require-refresh-token
gsignin refresh
gsignin whoami
gsignin api drive/v3/files -f spaces=appDataFolder
