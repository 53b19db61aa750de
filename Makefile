# dangjian - the two commands a newcomer needs: `make run` and `make check`.
DB ?= data/dangjian.db
LISTEN ?= 127.0.0.1:8080
# The demo accounts' password (and the admin's, on a database `make run` creates).
# For trying the product only; see README.
DEMO_PASSWORD ?= Dangjian@2026

.PHONY: all deps build web run check bench fuzz clean

all: build web

deps:
	@scripts/install-deps

build: deps
	@[ -f build/build.ninja ] || meson setup build --buildtype=debugoptimized >/dev/null
	@ninja -C build

web: deps
	@if [ -f web/package.json ]; then \
	  (cd web && npm run --silent build) && \
	  find web/dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.json' \) \
	    -exec gzip -9 -k -f {} + ; \
	fi

run: build web
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then \
	  build/dangjian init --db $(DB) --admin-password '$(DEMO_PASSWORD)' && \
	  build/dangjian demo --db $(DB) --password '$(DEMO_PASSWORD)' && \
	  echo "demo accounts (admin, secadmin, auditor, demo-committee, demo-secretary, demo-member, ...) use the password $(DEMO_PASSWORD)"; \
	fi
	build/dangjian serve --db $(DB) --listen $(LISTEN)

check: deps
	@tests/run

bench: build web
	@bench/run

# Each libFuzzer target of tests/fuzz for ten minutes (FUZZ_SECONDS=… for another length).
fuzz: deps
	@tests/fuzz/run $${FUZZ_SECONDS:-600}

clean:
	rm -rf build build-asan build-fuzz web/dist tests/out bench/out
