"""Helpers the tests and the benchmarks share: a fake OpenAI-compatible server, loopback servers, Chromium, isolated settings and a throwaway PostgreSQL."""
