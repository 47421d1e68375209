"""The bundled example forms (examples/*.yaml), shipped as package data docgen.examples."""
