"""The bundled GB/T 9704 templates (templates/*.docx), shipped as package data docgen.templates."""
