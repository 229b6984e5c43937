"""The shared core every stage builds on: periods, file I/O, tables of problems, TOML
parsing, suggestions and bundled resources. It imports no stage."""
