"""The bundled library: five articles on one story from five outlets (the seed articles)."""
