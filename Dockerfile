# coderoom as a container. The sandbox starts its own containers on the host's Docker
# engine, so run it with the socket mounted:
#   docker build -t coderoom .
#   docker run -d -p 8080:8080 -v coderoom-data:/data -v /var/run/docker.sock:/var/run/docker.sock coderoom
# then build the runtime images once: docker exec <container> coderoom runtimes build
# It serves HTTPS (tls.mode "auto": bound to 0.0.0.0); trust its authority once per device:
#   docker exec <container> coderoom tls ca > coderoom-ca.crt

FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM rust:1-bookworm AS server
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src/ src/
COPY config/ config/
COPY problems/ problems/
COPY --from=web /src/web/dist web/dist
ENV CODEROOM_SKIP_WEB_BUILD=1
RUN cargo build --release --locked && cp target/release/coderoom /usr/local/bin/coderoom

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates debootstrap \
    && rm -rf /var/lib/apt/lists/*
COPY --from=server /usr/local/bin/coderoom /usr/local/bin/coderoom
ENV CODEROOM_BIND=0.0.0.0:8080 \
    CODEROOM_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["coderoom", "healthcheck"]
ENTRYPOINT ["coderoom"]
CMD ["serve"]
