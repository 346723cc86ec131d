# Multi-stage: build a static binary, run it as non-root on a distroless base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN VERSION=${VERSION} bash .ci/build.sh /out/bayboard && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bayboard /bayboard
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
# The working directory is the volume, so `serve --demo` (whose file is
# ./bayboard-demo.db) can write there too; the root of the image is read-only
# to nonroot.
WORKDIR /data
ENV BAYBOARD_DATA=/data/bayboard.db \
    BAYBOARD_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["/bayboard", "health"]
ENTRYPOINT ["/bayboard"]
CMD ["serve"]
