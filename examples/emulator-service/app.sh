#!/bin/sh
# The app of compose.yaml: a backend's job against the emulator, by its service name.
set -eu
emu=http://google-emulator:8080

# A serverAuthCode, as a mobile sign-in would hand one to the backend. The control token goes
# in the environment (never argv, where the process list would show it), the code through a
# pipe.
GSIGNIN_EMULATOR_CONTROL_TOKEN=$EMULATOR_CONTROL_TOKEN \
  gsignin emulator mint --url "$emu" --email alice@example.com |
  gsignin exchange - --require-refresh-token
gsignin refresh
gsignin whoami
gsignin api drive/v3/files -f spaces=appDataFolder
