# libcurl for the operator, built from curl's own source.
#
# Debian's libcurl links nearly thirty libraries the operator never uses
# (LDAP, Kerberos, SSH, RTMP, GnuTLS through librtmp, IDN, PSL, brotli,
# zstd, nghttp2): loading and initialising them costs more resident memory
# than the whole controller. The operator needs HTTP and HTTPS over OpenSSL,
# so it links a static libcurl built with just that, against the system
# OpenSSL (which stays a shared library: a FIPS build keeps using the
# system's provider).
#
# The source is curl's release tarball content as published in the
# curl-sys crate on crates.io, pinned by version and SHA-256. It is built
# once with CMake into the tools cache (next to the pinned test tools) and
# reused by every later build; an interrupted build leaves nothing behind.
#
# Included by the top-level Makefile, after hack/tools.mk (TOOLS_DIR).

CURL_VERSION      := 8.12.1
CURL_CRATE        := curl-sys-0.4.80+curl-$(CURL_VERSION)
CURL_CRATE_SHA256 := 55f7df2eac63200c3ab25bde3b2268ef2ee56af3d238e76d61f01c3c49bff734
CURL_CRATE_URL    := https://static.crates.io/crates/curl-sys/$(CURL_CRATE).crate

CURL_DIR    := $(TOOLS_DIR)/curl-$(CURL_VERSION)
CURL_LIB    := $(CURL_DIR)/lib/libcurl.a
CURL_CFLAGS := -I$(CURL_DIR)/include -DCURL_STATICLIB
CURL_LIBS   := $(CURL_LIB) -lssl -lcrypto -lpthread

# HTTP and HTTPS with OpenSSL; everything else off. The CA bundle and path
# are found at build time as curl's own build does; the operator passes the
# cluster's CA itself and needs them only for API servers with a public CA.
_curl_cmake_flags := -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
	-DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DBUILD_CURL_EXE=OFF \
	-DBUILD_TESTING=OFF -DBUILD_EXAMPLES=OFF -DBUILD_LIBCURL_DOCS=OFF \
	-DBUILD_MISC_DOCS=OFF -DENABLE_CURL_MANUAL=OFF \
	-DHTTP_ONLY=ON -DCURL_USE_OPENSSL=ON -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF \
	-DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF \
	-DUSE_LIBRTMP=OFF -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF \
	-DCURL_DISABLE_LDAP=ON -DCURL_USE_GSSAPI=OFF -DENABLE_ARES=OFF \
	-DCURL_DISABLE_ALTSVC=ON -DCURL_DISABLE_HSTS=ON -DCURL_DISABLE_COOKIES=ON \
	-DCURL_DISABLE_NETRC=ON -DCURL_DISABLE_NTLM=ON \
	-DCURL_DISABLE_KERBEROS_AUTH=ON -DCURL_DISABLE_NEGOTIATE_AUTH=ON

.PHONY: curl
curl: $(CURL_LIB) ## Build the operator's static libcurl into the tools cache

$(CURL_LIB):
	@echo "building libcurl $(CURL_VERSION) (HTTP/HTTPS, OpenSSL, static)"
	@set -eu; tmp='$(TOOLS_DIR)'/.tmp-curl.$$$$; \
	trap 'rm -rf "$$tmp"' EXIT; trap 'exit 130' HUP INT TERM; \
	mkdir -p "$$tmp/src" '$(TOOLS_DIR)'; \
	curl -fsSL --retry 3 -o "$$tmp/curl.crate" '$(CURL_CRATE_URL)'; \
	echo '$(CURL_CRATE_SHA256)  '"$$tmp/curl.crate" | sha256sum -c --quiet; \
	tar -xzf "$$tmp/curl.crate" -C "$$tmp/src"; \
	cmake -S "$$tmp/src/$(CURL_CRATE)/curl" -B "$$tmp/build" \
		-DCMAKE_INSTALL_PREFIX="$$tmp/install" $(_curl_cmake_flags) >"$$tmp/cmake.log" 2>&1 \
		|| { tail -n 30 "$$tmp/cmake.log" >&2; exit 1; }; \
	cmake --build "$$tmp/build" -j "$$(nproc)" >"$$tmp/build.log" 2>&1 \
		|| { tail -n 30 "$$tmp/build.log" >&2; exit 1; }; \
	cmake --install "$$tmp/build" >/dev/null; \
	rm -rf '$(CURL_DIR)'; mv "$$tmp/install" '$(CURL_DIR)'
