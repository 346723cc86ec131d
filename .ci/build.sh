#!/usr/bin/env bash
# Builds the static bayboard binary: the Dockerfile and CI both call this, so
# CI builds it exactly as the image does.
set -euo pipefail
out=${1:-bayboard}
version=${VERSION:-$(git describe --always --dirty 2>/dev/null || echo dev)}
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${version}" -o "$out" ./cmd/bayboard
