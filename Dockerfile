# docctl with typst 0.15.1 and the CJK fonts, for CI: `docker run -v "$PWD:/work" docctl`
# runs `docctl check .` on the set mounted at /work; any docctl command can be given instead
# (`docker run -v "$PWD:/work" docctl build`).
# The typst version is the one scripts/setup.sh pins (a test keeps the two the same).

# typst is built once, in its own stage, so that changing docctl does not rebuild it.
FROM rust:1.89-bookworm AS typst
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libssl-dev \
 && rm -rf /var/lib/apt/lists/*
RUN cargo install --locked typst-cli --version 0.15.1

FROM rust:1.89-bookworm AS docctl
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY templates templates
COPY schema schema
COPY data data
RUN cargo install --locked --path . --root /out

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk poppler-data git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 # The set is mounted from the host, owned by another user: let git read it (path prefixes).
 && git config --system --add safe.directory '*'
COPY --from=typst /usr/local/cargo/bin/typst /usr/local/bin/typst
COPY --from=docctl /out/bin/docctl /usr/local/bin/docctl
WORKDIR /work
ENTRYPOINT ["docctl"]
CMD ["check", "."]
