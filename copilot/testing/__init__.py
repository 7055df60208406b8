"""Helpers shared by the test suite and the benches (bench/ must not import tests/): nothing here is used
by the product at run time."""
