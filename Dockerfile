# syntax=docker/dockerfile:1
# gsignin's Google emulator as a service: a CI service container, or one service of a compose
# project, that apps reach by its service name (docs/emulator-service.md).
#
#   docker build -t gsignin-emulator .
#   docker run --rm -p 127.0.0.1:8080:8080 gsignin-emulator --public-url http://localhost:8080
#
# Arguments after the image name are appended to the entrypoint: --public-url (the URL apps
# use), --write-client-secret, --auto-approve, --iss, ... (`gsignin emulator --help`).
# This project's CI has no Docker daemon and never builds this image; tests/it/service.rs runs
# the entrypoint's command in a network namespace instead. The release workflow
# (.github/workflows/release.yml) builds it on a v* tag and pushes it to
# ghcr.io/gsignin/gsignin-emulator.

# Build with the project's minimum Rust (Cargo.toml's rust-version) and exactly the locked
# dependencies. Debian bookworm, as the runtime stage: the binary links the same glibc.
FROM rust:1.90-bookworm AS build
WORKDIR /src
COPY . .
# The caches keep the registry and the build between builds; the binary leaves the cached
# target folder in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin gsignin \
 && install -m 0755 target/release/gsignin /usr/local/bin/gsignin

FROM debian:bookworm-slim
# curl for the health check; ca-certificates for the binary's other commands (gsignin as an
# app in the same image, against https issuers).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --create-home --home-dir /home/gsignin \
      --shell /usr/sbin/nologin gsignin \
 && install -d -o 10001 -g 10001 -m 0755 /secrets
COPY --from=build /usr/local/bin/gsignin /usr/local/bin/gsignin
# A numeric user, so that a runtime that requires non-root (Kubernetes' runAsNonRoot) can tell.
# /secrets is its own: a volume mounted there first takes that ownership, and
# --write-client-secret /secrets/client_secret.json shares the file with apps.
USER 10001:10001
WORKDIR /home/gsignin
EXPOSE 8080
# Discovery: public, cheap, and a 200 only once the server answers. Loopback is always a Host
# the emulator answers.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=12 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/.well-known/openid-configuration || exit 1
ENTRYPOINT ["gsignin","emulator","--bind","0.0.0.0","--port","8080"]
