"""docgen: 民主评议 filings from form files, in GB/T 9704 format, filed and kept under DA/T 22."""

__version__ = "0.1.0"
