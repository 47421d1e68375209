"""The pages, by what they serve; docgen.web.routes maps URLs to them."""
