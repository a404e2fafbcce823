# syntax=docker/dockerfile:1
# The Spaceport controller image (docs/image.md).
#
#   docker build -t spaceport .                        # compile from source, then the runtime image
#   scripts/build-image                                 # the same image here, without a daemon
#
# Stages:
#   runtime-base  Debian bookworm-slim + exactly the shared libraries `ldd spaceport` names,
#                 CA certificates, git and the ssh client (git sources shell out to git), a non-root
#                 user 65532:65532, labels, entrypoint.
#   prebuilt      runtime-base + a `spaceport` binary taken from the build context (the context is
#                 a directory holding only that binary; scripts/build-image uses it for its fast path).
#   build         Debian bookworm + the -dev packages; compiles the `spaceport` target (Release).
#   (last stage)  runtime-base + the binary of `build`: what `docker build .` produces.
#
# BUILD_BASE and RUNTIME_BASE name the base images; they default to Docker Hub's Debian images and
# scripts/build-image points them at bases made locally with debootstrap.
ARG BUILD_BASE=debian:bookworm
ARG RUNTIME_BASE=debian:bookworm-slim

FROM ${RUNTIME_BASE} AS runtime-base
# The packages are those of `ldd build/controller/spaceport` mapped with `dpkg -S`:
#   libcpprest2.10 (libcpprest), libssl3 (libssl, libcrypto), libyaml-cpp0.7, libbrotli1 (cpprest's
#   brotli), zlib1g, libstdc++6, libgcc-s1, libc6 (already in the base).
# spdlog, fmt and CLI11 are compiled in. git for git sources; openssh-client for their ssh:// and
# scp-like URLs (git only recommends it).
# Kept out with dpkg path-exclude (like -slim keeps docs out; the packages stay installed for apt),
# ~20 MB compressed: git's server, mail and scalar programs the controller never runs, and the perl
# interpreter's library and modules beyond perl-base, which only git's perl commands (send-email,
# svn, cvsimport, instaweb, legacy add--interactive) use. Delete /etc/dpkg/dpkg.cfg.d/spaceport-trim
# and `apt-get install --reinstall` the packages to get them back in a derived image.
RUN set -eux; \
    printf '%s\n' \
      '# The controller image leaves these out (see the Dockerfile).' \
      'path-exclude /usr/bin/scalar' 'path-exclude /usr/lib/git-core/scalar' \
      'path-exclude /usr/bin/git-shell' 'path-exclude /usr/lib/git-core/git-shell' \
      'path-exclude /usr/lib/git-core/git-daemon' 'path-exclude /usr/lib/git-core/git-http-backend' \
      'path-exclude /usr/lib/git-core/git-http-push' 'path-exclude /usr/lib/git-core/git-imap-send' \
      'path-exclude /usr/share/gitweb/*' \
      'path-exclude /usr/share/perl/*' 'path-exclude /usr/lib/*/perl/*' \
      'path-exclude /usr/lib/*/libperl.so*' 'path-exclude /usr/bin/perl5.*-*-linux-gnu*' \
      > /etc/dpkg/dpkg.cfg.d/spaceport-trim; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcpprest2.10 libssl3 libyaml-cpp0.7 libbrotli1 zlib1g libstdc++6 libgcc-s1 \
      ca-certificates git openssh-client; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old \
           /var/cache/ldconfig/aux-cache; \
    groupadd --gid 65532 spaceport; \
    useradd --uid 65532 --gid 65532 --home-dir /home/spaceport --create-home \
            --shell /usr/sbin/nologin spaceport; \
    install -d -o 65532 -g 65532 -m 0700 /var/lib/spaceport

ARG RUNTIME_BASE
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=https://github.com/spaceport-dev/spaceport
LABEL org.opencontainers.image.title="spaceport" \
      org.opencontainers.image.description="Spaceport controller: keeps Hugging Face Spaces running the container image versions declared in Git or in SpaceDeployment resources" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}/blob/main/docs/image.md" \
      org.opencontainers.image.base.name="${RUNTIME_BASE}"
# State (status files, caches, git clones, the fingerprint key) goes to /var/lib/spaceport, owned
# by the user; the Helm chart mounts an emptyDir there and passes --state-dir as well.
ENV HOME=/home/spaceport \
    SPACEPORT_STATE_DIR=/var/lib/spaceport
WORKDIR /home/spaceport
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/bin/spaceport"]
# Listen on every interface: a container's loopback is not reachable from outside it.
CMD ["run", "--kube", "--listen", "0.0.0.0:8080"]

# A binary built elsewhere: the build context is a directory holding a stripped `spaceport`
# (scripts/build-image stages it). Not what `docker build .` builds.
FROM runtime-base AS prebuilt
COPY --chown=0:0 --chmod=0755 spaceport /usr/bin/spaceport

FROM ${BUILD_BASE} AS build
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      libcpprest-dev libyaml-cpp-dev libssl-dev libspdlog-dev libcli11-dev zlib1g-dev \
      libgtest-dev libgmock-dev; \
    rm -rf /var/lib/apt/lists/*
# libgtest-dev/libgmock-dev: the top CMakeLists.txt finds GTest unconditionally (only the
# `spaceport` target is built). .dockerignore keeps build/, .git and node_modules out.
COPY . /src
ARG JOBS=
# The build directory is a cache mount: a rebuild after a source change is incremental (ninja),
# with BuildKit and with buildah alike. The binary leaves it through /out.
# Release at -O2 (CMake's Release default is -O3): under the project's -Werror, GCC 12 at -O3 stops
# on its -Wrestrict false positive in std::string (GCC PR 105329), and -O2 is what the test
# suites build with (RelWithDebInfo = -O2 -g).
RUN --mount=type=cache,target=/src/build,id=spaceport-bookworm-release \
    set -eux; \
    cmake -S /src -B /src/build -G Ninja -DCMAKE_BUILD_TYPE=Release \
          "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" -DSPACEPORT_BENCH=OFF; \
    cmake --build /src/build --target spaceport -j"${JOBS:-$(nproc)}"; \
    install -D -m 0755 -s /src/build/controller/spaceport /out/spaceport; \
    /out/spaceport version

FROM runtime-base
COPY --from=build /out/spaceport /usr/bin/spaceport
