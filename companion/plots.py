"""One figure style for the whole book, and the figures chapters reuse."""
