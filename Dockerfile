# Multi-stage build: the server binary and the WebAssembly files, then a
# small runtime image. PostgreSQL is external: the image starts with only
# DATABASE_URL set. Set FRONTDESK_SECRET_KEY too in production (see
# README.md): without it a key is generated into the data volume, next to
# nothing it protects but also lost with the volume.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/frontdesk --shell /usr/sbin/nologin frontdesk \
 && install -d -o frontdesk -g frontdesk -m 0700 /var/lib/frontdesk
# The binary finds the web folder next to it.
COPY --from=build /src/build/frontdesk /app/frontdesk
COPY --from=build /src/build/web /app/web
ENV FRONTDESK_ADDR=0.0.0.0:8080 \
    FRONTDESK_DATA_DIR=/var/lib/frontdesk
# The data folder (a generated secret key; files, once conversations carry
# them) must be writable by the unprivileged user.
VOLUME /var/lib/frontdesk
WORKDIR /var/lib/frontdesk
USER frontdesk
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/frontdesk"]
