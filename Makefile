# The two commands of the README: `make demo` and `make test`. Each installs what it needs.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: deps build test demo bench clean node-deps

deps:
	@bash scripts/install-deps

# npm front-end files (KaTeX, mermaid) are embedded into the binary, so they are installed
# before CMake configures; configuring again is cheap and picks up new flags and files.
build: deps
	@bash scripts/install-assets
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

node-deps: deps
	@bash scripts/install-node-deps

test: build node-deps
	bash scripts/run-tests $(BUILD)

demo: build
	./$(BUILD)/haven serve examples/blog --port 4000

bench: build
	bash bench/run.sh

clean:
	rm -rf $(BUILD)
