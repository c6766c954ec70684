"""echoorg's benchmarks: `make bench` runs them all and prints figures. Never part of the tests."""
