# Multi-stage build: the server binary and the WebAssembly files, then a
# small runtime image. PostgreSQL is external here: set DATABASE_URL.
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
 && useradd --system --home /app frontdesk
WORKDIR /app
COPY --from=build /src/build/frontdesk /app/frontdesk
COPY --from=build /src/build/web /app/web
ENV FRONTDESK_ADDR=0.0.0.0:8080 \
    FRONTDESK_WEB_DIR=/app/web
USER frontdesk
EXPOSE 8080
ENTRYPOINT ["/app/frontdesk"]
