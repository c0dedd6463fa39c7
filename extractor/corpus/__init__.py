"""The corpus: the published documents every checked document is compared with (DESIGN §5)."""
